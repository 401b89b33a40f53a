import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '../options/define-options.ts';
import {
  checkMemoryQuery,
  checkMemoryText,
  checkMetadata,
  checkScope,
  checkSearchBounds,
} from './check-memory-input.ts';
import type { MemoryEmbed } from './gemini-embed.ts';
import { MemoryError } from './memory-error.ts';
import type { MemoryKind, MemoryRecord, ScoredMemory } from './memory-record.ts';
import type { MemoryStore } from './memory-store.ts';

/** Options of {@link createMemory}. */
export type MemoryOptions = {
  /** Where memories live. */
  store: MemoryStore;
  /**
   * Embeds texts for the store's search by meaning (`geminiEmbed({ gemini })`). Leave it out only
   * for a store that embeds on its side (Vertex Memory Bank).
   */
  embed?: MemoryEmbed | undefined;
};

/** Options of {@link Memory.recall}. */
export type RecallOptions = {
  /** At most this many memories. @defaultValue 5 */
  limit?: number | undefined;
  /**
   * Leave out memories scoring below this (cosine, -1 to 1; outside that range, or not a number,
   * an `InvalidArgumentError`). @defaultValue 0.3
   */
  minScore?: number | undefined;
  signal?: AbortSignal | undefined;
};

/**
 * Long-term memory of many users: remember, recall by meaning, see, edit and forget. Every
 * method takes the scope (the user's id) first; nothing of one scope is ever seen from another.
 */
export type Memory = {
  readonly store: MemoryStore;
  /** Remembers `text` for the scope. */
  remember(
    scope: string,
    text: string,
    options?: {
      kind?: MemoryKind | undefined;
      metadata?: Record<string, unknown> | undefined;
      signal?: AbortSignal | undefined;
      /** The id to keep it under: remembered again, the memory of this id is returned (see `NewMemory`). */
      id?: string | undefined;
    },
  ): Promise<MemoryRecord>;
  /** The scope's memories closest in meaning to `query`, best first. */
  recall(scope: string, query: string, options?: RecallOptions): Promise<ScoredMemory[]>;
  /** Everything remembered about the scope, oldest first. */
  list(scope: string): Promise<MemoryRecord[]>;
  /** One memory of the scope. */
  get(scope: string, id: string): Promise<MemoryRecord | undefined>;
  /** Rewrites a memory of the scope (re-embedded); `undefined` when there is none. */
  update(
    scope: string,
    id: string,
    change: {
      text?: string | undefined;
      kind?: MemoryKind | undefined;
      metadata?: Record<string, unknown> | undefined;
    },
  ): Promise<MemoryRecord | undefined>;
  /** Forgets one memory of the scope; whether there was one. */
  forget(scope: string, id: string): Promise<boolean>;
  /** Forgets everything about the scope; how many memories there were. */
  forgetAll(scope: string): Promise<number>;
};

/** The default number of memories a recall returns. */
export const DEFAULT_RECALL_LIMIT = 5;
/** The default lowest score a recalled memory has. */
export const DEFAULT_MIN_SCORE = 0.3;

// Unknown keys refused: a misspelt `embedder` left the memory without embeddings, which only the
// first search said (attack13). The store is checked where it is read.
const memoryOptions: DeclaredOptions<MemoryOptions> = defineOptions<MemoryOptions>({
  name: 'createMemory',
  example: '{ store: createInMemoryStore(), embed: geminiEmbed({ gemini }) }',
  checks: { store: checkedWhereUsed, embed: functionOption() },
});

/**
 * `call()`, the store's own promise handed back as it is, once `scope` passed its check; a refused
 * scope is a rejected promise. Not an `async` wrapper: its extra turns moved a failing store's
 * report later among a turn's parallel calls, and an in-process run's events stopped matching the
 * durable run's (week-changes-crash's parity test).
 */
function scoped<T>(scope: string, call: () => Promise<T>): Promise<T> {
  try {
    checkScope(scope);
  } catch (error) {
    return Promise.reject(error);
  }
  return call();
}

/**
 * Long-term memory over a store and an embedding function. Hand it to `memoryPlugin` (recall
 * before a run's model calls, the memory tools) and use it directly to show users what is
 * remembered about them and to delete it.
 *
 * @example
 * ```ts
 * const memory = createMemory({ store: createFileMemoryStore({ path: 'memories.jsonl' }), embed: geminiEmbed({ gemini }) });
 * await memory.remember('user-42', 'Prefers trains to planes.');
 * await memory.recall('user-42', 'How should I travel to Porto?');
 * ```
 */
export function createMemory(options: MemoryOptions): Memory {
  const { store, embed } = memoryOptions.check(options);
  if (typeof store !== 'object' || store === null || typeof store.search !== 'function') {
    throw new InvalidArgumentError({
      argument: 'store',
      message:
        'createMemory needs a `store` (createInMemoryStore(), createFileMemoryStore({ path }), or your own MemoryStore).',
    });
  }
  const embedding = async (
    text: string,
    purpose: 'document' | 'query',
    signal: AbortSignal | undefined,
  ): Promise<readonly number[] | undefined> => {
    if (embed === undefined) return undefined;
    try {
      return await embed({ text, purpose, signal });
    } catch (error) {
      throw new MemoryError({
        operation: 'embed',
        message: `Embedding a memory ${purpose === 'query' ? 'query' : 'text'} failed; see \`cause\`.`,
        cause: error,
      });
    }
  };
  return {
    store,
    async remember(scope, text, { kind = 'fact', metadata, signal, id } = {}) {
      checkScope(scope);
      checkMemoryText(text);
      // Before the embedding call, which a memory the store refuses would waste.
      checkMetadata(metadata);
      const vector = await embedding(text, 'document', signal);
      return store.add(scope, {
        kind,
        text,
        ...(vector === undefined ? {} : { embedding: vector }),
        ...(metadata === undefined ? {} : { metadata }),
        ...(id === undefined ? {} : { id }),
      });
    },
    async recall(
      scope,
      query,
      { limit = DEFAULT_RECALL_LIMIT, minScore = DEFAULT_MIN_SCORE, signal } = {},
    ) {
      checkScope(scope);
      checkMemoryQuery(query);
      checkSearchBounds(limit, minScore);
      const vector = await embedding(query, 'query', signal);
      return store.search(scope, {
        text: query,
        limit,
        minScore,
        ...(vector === undefined ? {} : { embedding: vector }),
      });
    },
    // Each scope checked here too, as remember's and recall's, before an app's own store gets it
    // (knowledge67): a store that matches by prefix forgot every user for one forgetAll('').
    list: (scope) => scoped(scope, () => store.list(scope)),
    get: (scope, id) => scoped(scope, () => store.get(scope, id)),
    async update(scope, id, { text, kind, metadata }) {
      checkScope(scope);
      checkMetadata(metadata);
      const vector = text === undefined ? undefined : await embedding(text, 'document', undefined);
      return store.update(scope, id, {
        ...(text === undefined ? {} : { text }),
        ...(vector === undefined ? {} : { embedding: vector }),
        ...(kind === undefined ? {} : { kind }),
        ...(metadata === undefined ? {} : { metadata }),
      });
    },
    forget: (scope, id) => scoped(scope, () => store.delete(scope, id)),
    forgetAll: (scope) => scoped(scope, () => store.deleteAll(scope)),
  };
}
