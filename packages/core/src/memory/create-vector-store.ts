import { EmbeddingLengthError } from '../embeddings/embedding-length-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import {
  checkEmbedding,
  checkMemoryKind,
  checkMemoryText,
  checkMetadata,
  checkScope,
  checkSearchBounds,
  MAX_MEMORY_ID,
} from './check-memory-input.ts';
import { MemoryError, type MemoryOperation } from './memory-error.ts';
import type { MemoryRecord } from './memory-record.ts';
import type { MemoryStore } from './memory-store.ts';
import { type EmbeddedMemory, rankBySimilarity } from './rank-by-similarity.ts';

/** The most memories a vector store keeps per scope unless told otherwise. */
export const DEFAULT_MAX_MEMORIES_PER_SCOPE = 1000;

/** Where a vector store's records live: read and replace one scope's list. @internal */
export type VectorStoreBackend = {
  /** Runs `change` on the scope's records and keeps what it returns (one at a time). */
  transact<T>(
    scope: string,
    operation: MemoryOperation,
    change: (records: readonly EmbeddedMemory[]) => { records?: EmbeddedMemory[]; value: T },
  ): Promise<T>;
};

/** Options shared by gemloop's vector stores. */
export type VectorStoreOptions = {
  /**
   * The most memories kept per scope; adding one more drops the scope's least recently changed.
   * Every search reads the scope's memories (an exact search), so this also bounds its cost.
   * @defaultValue 1000
   */
  maxMemoriesPerScope?: number | undefined;
  /** Makes memory ids. @defaultValue `crypto.randomUUID()` */
  generateId?: (() => string) | undefined;
  /** The clock, in milliseconds. @defaultValue `Date.now` */
  now?: (() => number) | undefined;
};

/** Whether `id` is a memory id every store keeps: a non-empty string of at most 256, no NUL. */
const isMemoryId = (id: unknown): id is string =>
  typeof id === 'string' && id !== '' && id.length <= MAX_MEMORY_ID && !id.includes('\0');

const strip = ({ embedding: _embedding, ...record }: EmbeddedMemory): MemoryRecord => record;

/**
 * Throws an `EmbeddingLengthError` (`new-memory`) when `embedding` is not the length of the
 * scope's other memories (`others`, those kept beside it). Kept, such a memory made every later
 * search of the scope fail (a search compares the query with each stored vector, and refuses a
 * stored one of another length): a model or size changed under an app failed every recall of
 * the user until someone found the memory and deleted it (knowledge67).
 */
function checkSameLength(others: Iterable<EmbeddedMemory>, embedding: readonly number[]): void {
  for (const other of others) {
    if (other.embedding.length === embedding.length) return;
    throw new EmbeddingLengthError({
      expected: other.embedding.length,
      received: embedding.length,
      source: 'new-memory',
      memoryId: other.id,
    });
  }
}

/**
 * A {@link MemoryStore} over a backend that reads and writes a scope's records: the checks, the
 * bound and the exact cosine search, shared by the in-memory and the file store. @internal
 */
export function createVectorStore(
  backend: VectorStoreBackend,
  {
    maxMemoriesPerScope = DEFAULT_MAX_MEMORIES_PER_SCOPE,
    generateId = () => crypto.randomUUID(),
    now = Date.now,
  }: VectorStoreOptions,
): MemoryStore {
  if (
    !(Number.isSafeInteger(maxMemoriesPerScope) && maxMemoriesPerScope > 0) &&
    maxMemoriesPerScope !== Number.POSITIVE_INFINITY
  ) {
    // NaN kept every memory (no bound at all), 0 or a negative dropped each one as it was added.
    throw new InvalidArgumentError({
      argument: 'maxMemoriesPerScope',
      message: `maxMemoriesPerScope must be a positive whole number (Infinity for no bound; the default is ${DEFAULT_MAX_MEMORIES_PER_SCOPE}); got ${describeValue(maxMemoriesPerScope)}.`,
    });
  }
  const stamp = (): string => new Date(now()).toISOString();
  const needEmbedding = (embedding: unknown, operation: 'add' | 'search'): readonly number[] => {
    if (embedding === undefined) {
      throw new MemoryError({
        operation,
        message: `This store ranks memories by their embeddings: give ${operation === 'add' ? 'the memory' : 'the query'} an \`embedding\` (createMemory({ embed }) does it for you).`,
      });
    }
    checkEmbedding(embedding);
    return embedding;
  };
  return {
    async add(scope, memory) {
      checkScope(scope);
      checkMemoryText(memory.text);
      checkMemoryKind(memory.kind);
      checkMetadata(memory.metadata);
      const embedding = needEmbedding(memory.embedding, 'add');
      const given = memory.id;
      if (given !== undefined && !isMemoryId(given)) {
        // A NUL no Postgres text column takes: refused here, typed, for every store alike.
        throw new InvalidArgumentError({
          argument: 'id',
          message: `A memory's \`id\` must be a non-empty string of at most ${MAX_MEMORY_ID} characters, without NUL.`,
        });
      }
      // Typed as the app's function says, checked as what it may give at run time.
      const id: unknown = given ?? generateId();
      // A generated id is checked as a given one (knowledge67): the file store wrote a number or
      // '' from an app's generateId, and its next read refused the file for every user in it.
      if (!isMemoryId(id)) {
        throw new InvalidArgumentError({
          argument: 'generateId',
          message: `generateId must return a non-empty string of at most ${MAX_MEMORY_ID} characters, without NUL (the default is crypto.randomUUID()); it returned ${typeof id === 'string' ? `a string of ${id.length} characters` : `a ${typeof id}`}.`,
        });
      }
      const at = stamp();
      const record: EmbeddedMemory = {
        id,
        scope,
        kind: memory.kind,
        text: memory.text,
        createdAt: at,
        updatedAt: at,
        ...(memory.metadata === undefined ? {} : { metadata: memory.metadata }),
        embedding: [...embedding],
      };
      return backend.transact(scope, 'add', (records) => {
        // Added again under its id (an extraction run twice): the one kept, in the same
        // transaction as the write, so two at once still keep one.
        const kept = records.find((other) => other.id === id);
        if (kept !== undefined && given !== undefined) return { value: strip(kept) };
        if (kept !== undefined) {
          // Kept beside it, two memories had one id (get and update reached the first, delete
          // both), and Postgres overwrote the old one: a counter that starts again in a new
          // process does this (knowledge67).
          throw new MemoryError({
            operation: 'add',
            message: `generateId gave ${JSON.stringify(id.slice(0, 80))}, an id the scope already holds; nothing was added. Ids must be unique for good (the default, crypto.randomUUID(), is), not only within one process.`,
          });
        }
        // Over the bound, the least recently changed of the others go first (ISO strings sort as
        // times). The new memory is never among them: with the clock stepped back (an NTP
        // correction) it was the "oldest", and add() returned a memory it had just dropped.
        const order = records.map((item, index) => ({ item, index }));
        order.sort((a, b) => a.item.updatedAt.localeCompare(b.item.updatedAt) || a.index - b.index);
        const drop = new Set(
          order
            .slice(0, Math.max(0, records.length + 1 - maxMemoriesPerScope))
            .map(({ item }) => item),
        );
        const staying = records.filter((item) => !drop.has(item));
        checkSameLength(staying, record.embedding);
        return {
          records: [...staying, record],
          value: strip(record),
        };
      });
    },
    async search(scope, query) {
      checkScope(scope);
      checkSearchBounds(query.limit, query.minScore);
      const embedding = needEmbedding(query.embedding, 'search');
      return backend.transact(scope, 'search', (records) => ({
        value: rankBySimilarity(records, { ...query, embedding }),
      }));
    },
    async list(scope) {
      checkScope(scope);
      return backend.transact(scope, 'list', (records) => ({ value: records.map(strip) }));
    },
    async get(scope, id) {
      checkScope(scope);
      return backend.transact(scope, 'get', (records) => {
        const found = records.find((record) => record.id === id);
        return { value: found === undefined ? undefined : strip(found) };
      });
    },
    async update(scope, id, patch) {
      checkScope(scope);
      if (patch.text !== undefined) {
        checkMemoryText(patch.text);
        // A new text with the old embedding would be found by what it used to say.
        needEmbedding(patch.embedding, 'add');
      }
      if (patch.embedding !== undefined) checkEmbedding(patch.embedding);
      if (patch.kind !== undefined) checkMemoryKind(patch.kind);
      checkMetadata(patch.metadata);
      return backend.transact(scope, 'update', (records) => {
        const index = records.findIndex((record) => record.id === id);
        const old = records[index];
        if (old === undefined) return { value: undefined };
        if (patch.embedding !== undefined) {
          checkSameLength(
            records.filter((record) => record !== old),
            patch.embedding,
          );
        }
        const changed: EmbeddedMemory = {
          ...old,
          ...(patch.text === undefined ? {} : { text: patch.text }),
          ...(patch.embedding === undefined ? {} : { embedding: [...patch.embedding] }),
          ...(patch.kind === undefined ? {} : { kind: patch.kind }),
          ...(patch.metadata === undefined ? {} : { metadata: patch.metadata }),
          updatedAt: stamp(),
        };
        const next = [...records];
        next[index] = changed;
        return { records: next, value: strip(changed) };
      });
    },
    async delete(scope, id) {
      checkScope(scope);
      return backend.transact(scope, 'delete', (records) => {
        const next = records.filter((record) => record.id !== id);
        return next.length === records.length ? { value: false } : { records: next, value: true };
      });
    },
    async deleteAll(scope) {
      checkScope(scope);
      return backend.transact(scope, 'deleteAll', (records) => ({
        records: [],
        value: records.length,
      }));
    },
  };
}
