import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';

/** A {@link HistoryStore} in the process's memory, made by {@link createMemoryHistoryStore}. */
export type MemoryHistoryStore = HistoryStore & {
  /** The ids that have turns. */
  ids(): string[];
  /**
   * What `load(id)` returns and how many older turns of `id` `maxHistoryBytes` dropped since
   * `id` was last cleared, read at once: the n-th turn ever appended is `turns[n - droppedTurns]`.
   */
  snapshot(id: string): { turns: ChatTurn[]; droppedTurns: number };
  /**
   * The UTF-8 bytes of `id`'s turns' JSON as counted against `maxHistoryBytes` (a turn JSON
   * cannot write counts as the bound): what a store built on this one adds up to bound many ids
   * together (the serving doors' `createDoorHistoryStore`). `0` without a bound, where nothing is
   * measured.
   */
  bytes(id: string): number;
};

/** Options of {@link createMemoryHistoryStore}. */
export type CreateMemoryHistoryStoreOptions = {
  /**
   * The most one id's turns may hold, in UTF-8 bytes of their JSON (as a file or a database
   * would store them). An append that passes it drops that id's oldest turns, whole, until the
   * rest fits: a turn is the user's message and all its run added, so what is left is still a
   * history the API takes (no call without its response, never a model turn first). The newest
   * turn is always kept, even alone past the bound. The turns dropped are gone: the model no
   * longer sees them, and `load` no longer returns them.
   *
   * @defaultValue no bound (every turn is kept); the serving doors of `@gemloop/serve` make
   * theirs with 4 MiB
   */
  maxHistoryBytes?: number | undefined;
};

type Thread = { turns: ChatTurn[]; sizes: number[]; bytes: number; dropped: number };

/**
 * A {@link HistoryStore} in memory: the default of chat sessions. The contents are kept as the
 * objects given (not deep copies, so a long conversation costs its contents once): do not mutate
 * the contents of a result. Everything is lost with the process. With `maxHistoryBytes`, each
 * id keeps only its newest turns that fit.
 *
 * @example
 * ```ts
 * const store = createMemoryHistoryStore();
 * const chat = createChatSession({ agent, store, id: 'user-42' });
 * ```
 * @throws {@link InvalidArgumentError} when `maxHistoryBytes` is not a whole number of bytes of
 * at least 1 (or `Infinity`).
 */
export function createMemoryHistoryStore({
  maxHistoryBytes = Number.POSITIVE_INFINITY,
}: CreateMemoryHistoryStoreOptions = {}): MemoryHistoryStore {
  checkMaxHistoryBytes(maxHistoryBytes);
  const bounded = maxHistoryBytes !== Number.POSITIVE_INFINITY;
  const threads = new Map<string, Thread>();
  return {
    load(id) {
      return threads.get(id)?.turns.slice() ?? [];
    },
    append(id, turn) {
      // A copy of the list (not of the contents), so pushing to a result's array changes nothing.
      const stored: ChatTurn = { ...turn, contents: turn.contents.slice() };
      // Measured once, here: without a bound nothing is serialized.
      const size = bounded ? sizeOf(stored, maxHistoryBytes) : 0;
      const thread = threads.get(id);
      if (thread === undefined) {
        threads.set(id, { turns: [stored], sizes: [size], bytes: size, dropped: 0 });
        return;
      }
      thread.turns.push(stored);
      thread.sizes.push(size);
      thread.bytes += size;
      let drop = 0;
      let bytes = thread.bytes;
      while (bytes > maxHistoryBytes && drop < thread.turns.length - 1) {
        bytes -= thread.sizes[drop] ?? 0;
        drop++;
      }
      if (drop > 0) {
        thread.turns.splice(0, drop);
        thread.sizes.splice(0, drop);
        thread.bytes = bytes;
        thread.dropped += drop;
      }
    },
    clear(id) {
      threads.delete(id);
    },
    ids() {
      return [...threads.keys()];
    },
    snapshot(id) {
      const thread = threads.get(id);
      return { turns: thread?.turns.slice() ?? [], droppedTurns: thread?.dropped ?? 0 };
    },
    bytes(id) {
      return threads.get(id)?.bytes ?? 0;
    },
  };
}

/**
 * A turn's size as stored elsewhere: the UTF-8 bytes of its JSON. A turn JSON cannot write (a
 * cycle, a BigInt) could not have been sent to the model either; it counts as the bound, so it
 * is kept only as the newest turn, and a store adding ids up counts it as one full id, no more.
 */
function sizeOf(turn: ChatTurn, bound: number): number {
  try {
    // TextEncoder, not shared/cut-text's utf8Length: this store is reached from the root import,
    // which cut-text is not (index.static-imports.test.ts holds the root at 132 modules); once per
    // stored turn, the copy it makes is the size of the JSON just written.
    return new TextEncoder().encode(JSON.stringify(turn)).byteLength;
  } catch {
    return bound;
  }
}

function checkMaxHistoryBytes(value: unknown): void {
  if (value === Number.POSITIVE_INFINITY) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError({
      argument: 'createMemoryHistoryStore.maxHistoryBytes',
      message: `createMemoryHistoryStore({ maxHistoryBytes }) must be a whole number of bytes of at least 1 (or Infinity for no bound); got ${describeValue(value)}.`,
    });
  }
}
