import type { ChatTurn, HistoryStore, MemoryHistoryStore } from '@gemloop/core/chat';
import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RunOwner } from '@gemloop/core/web';

/**
 * The most one thread (conversation, context, session) of a door's default store holds: its
 * newest turns within 4 MiB of JSON. About a million tokens of English, Gemini's largest window,
 * so the bound rarely cuts what the model could have read.
 * @internal
 */
export const DEFAULT_THREAD_HISTORY_BYTES: number = 4 * 1024 * 1024;

/**
 * The most a door's default store holds in all threads together: 256 MiB of JSON, 64 threads
 * at their full 4 MiB. Without it the bound was threads x 4 MiB, 4 GiB at the default 1000
 * threads, past a Node process's default heap (about 2 to 4 GiB), so one caller filling threads
 * at the rate limit could end the process for every user; 256 MiB leaves room in that heap for
 * the four doors mounted together (each its own store) and the runs themselves.
 * @internal
 */
export const DEFAULT_TOTAL_HISTORY_BYTES: number = 256 * 1024 * 1024;

/**
 * How many evicted threads the store remembers as evicted, so their next use is answered as one:
 * the doors index at most 1000 threads each by default, and forget (clear) an evicted one when
 * they answer it. Past this the oldest mark goes, and that thread, if used again, starts empty.
 */
const MAX_EVICTED_MARKS = 10_000;

/** Options of {@link createDoorHistoryStore}. */
export type CreateDoorHistoryStoreOptions = {
  /**
   * The most one thread holds, in UTF-8 bytes of its turns' JSON: past it on an append its oldest
   * turns are dropped, whole (the newest is always kept). @defaultValue 4 MiB, or
   * `maxTotalBytes` when that is given and smaller
   */
  maxThreadBytes?: number | undefined;
  /**
   * The most all threads hold together, in UTF-8 bytes of their turns' JSON: past it on an append,
   * whole threads other than the one appended to are evicted, the least recently used first, of
   * the owner holding the most bytes (a caller filling threads pushes out their own first). The
   * door answers the next use of an evicted thread in its protocol's error shape (the OpenAI
   * Responses door a 404, MCP an `InvalidParams` error, A2A a rejected task), never with another
   * thread; the AG-UI door, whose client sends the whole conversation with each run, stores it
   * anew. At least `maxThreadBytes`. @defaultValue 256 MiB
   */
  maxTotalBytes?: number | undefined;
};

/** The history store of a door, made by {@link createDoorHistoryStore}. */
export type DoorHistoryStore = MemoryHistoryStore & {
  /** Names `id`'s owner, for choosing whose threads go first past `maxTotalBytes`. */
  own(id: string, owner: RunOwner): void;
  /** Whether `id` was evicted whole past `maxTotalBytes` (and not cleared since). */
  evicted(id: string): boolean;
};

type Thread = { turns: ChatTurn[]; sizes: number[]; bytes: number; dropped: number };

/**
 * The history store each serving door makes when given none: in memory, each thread keeping its
 * newest turns within `maxThreadBytes`, and all of them within `maxTotalBytes`, whole threads
 * evicted least recently used first. Give one to a door (`store`) to change the bounds, or one
 * store to several doors to bound them together.
 *
 * @example
 * ```ts
 * const store = createDoorHistoryStore({ maxTotalBytes: 64 * 1024 * 1024 });
 * const handler = createOpenAIHandler({ agent, authorize, store });
 * ```
 * @throws {@link InvalidArgumentError} when a bound is not a whole number of bytes of at least
 * 1, or `maxTotalBytes` is below `maxThreadBytes`.
 */
export function createDoorHistoryStore(
  options: CreateDoorHistoryStoreOptions = {},
): DoorHistoryStore {
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_TOTAL_HISTORY_BYTES;
  checkBytes(maxTotalBytes, 'maxTotalBytes');
  // A total given alone below the default thread bound lowers that bound with it.
  const maxThreadBytes =
    options.maxThreadBytes ?? Math.min(DEFAULT_THREAD_HISTORY_BYTES, maxTotalBytes);
  checkBytes(maxThreadBytes, 'maxThreadBytes');
  if (maxTotalBytes < maxThreadBytes) {
    throw new InvalidArgumentError({
      argument: 'createDoorHistoryStore.maxTotalBytes',
      message: `createDoorHistoryStore({ maxTotalBytes }) must be at least maxThreadBytes (${maxThreadBytes}), so one thread always fits; got ${maxTotalBytes}.`,
    });
  }
  // In the order of use: the least recently used first.
  const threads = new Map<string, Thread>();
  const owners = new Map<string, RunOwner>();
  const evictedIds = new Set<string>();
  let total = 0;

  function touched(id: string): Thread | undefined {
    const thread = threads.get(id);
    if (thread !== undefined) {
      threads.delete(id);
      threads.set(id, thread);
    }
    return thread;
  }

  function evictFor(keep: string): void {
    while (total > maxTotalBytes) {
      const id = pickEvictedThread(threads, owners, keep);
      const thread = id === undefined ? undefined : threads.get(id);
      if (id === undefined || thread === undefined) return;
      threads.delete(id);
      total -= thread.bytes;
      evictedIds.add(id);
      if (evictedIds.size > MAX_EVICTED_MARKS) {
        const oldest = evictedIds.values().next().value;
        if (oldest !== undefined) evictedIds.delete(oldest);
      }
    }
  }

  return {
    load(id) {
      return touched(id)?.turns.slice() ?? [];
    },
    append(id, turn) {
      // A run that was answering when its thread was evicted: its turn would start a history
      // without the rest, so it is dropped, and the thread's next use is answered as evicted.
      if (evictedIds.has(id)) return;
      const stored: ChatTurn = { ...turn, contents: turn.contents.slice() };
      const size = sizeOf(stored, maxThreadBytes);
      let thread = touched(id);
      if (thread === undefined) {
        thread = { turns: [], sizes: [], bytes: 0, dropped: 0 };
        threads.set(id, thread);
      }
      thread.turns.push(stored);
      thread.sizes.push(size);
      thread.bytes += size;
      total += size;
      let drop = 0;
      while (thread.bytes > maxThreadBytes && drop < thread.turns.length - 1) {
        thread.bytes -= thread.sizes[drop] ?? 0;
        total -= thread.sizes[drop] ?? 0;
        drop++;
      }
      if (drop > 0) {
        thread.turns.splice(0, drop);
        thread.sizes.splice(0, drop);
        thread.dropped += drop;
      }
      evictFor(id);
    },
    clear(id) {
      const thread = threads.get(id);
      if (thread !== undefined) total -= thread.bytes;
      threads.delete(id);
      owners.delete(id);
      evictedIds.delete(id);
    },
    ids() {
      return [...threads.keys()];
    },
    snapshot(id) {
      const thread = touched(id);
      return { turns: thread?.turns.slice() ?? [], droppedTurns: thread?.dropped ?? 0 };
    },
    own(id, owner) {
      owners.set(id, owner);
    },
    evicted(id) {
      return evictedIds.has(id);
    },
  };
}

/**
 * The thread to evict: the least recently used of the owner holding the most bytes, never
 * `keep` (the one just appended to). O(threads), once per thread evicted.
 */
function pickEvictedThread(
  threads: ReadonlyMap<string, Thread>,
  owners: ReadonlyMap<string, RunOwner>,
  keep: string,
): string | undefined {
  const held = new Map<RunOwner, number>();
  const oldest = new Map<RunOwner, string>();
  for (const [id, thread] of threads) {
    const owner = owners.get(id) ?? '';
    held.set(owner, (held.get(owner) ?? 0) + thread.bytes);
    if (id !== keep && !oldest.has(owner)) oldest.set(owner, id);
  }
  let picked: string | undefined;
  let most = -1;
  for (const [owner, id] of oldest) {
    const bytes = held.get(owner) ?? 0;
    if (bytes > most) {
      most = bytes;
      picked = id;
    }
  }
  return picked;
}

/**
 * Whether `store` evicted the thread `id` whole (a {@link DoorHistoryStore}); `false` for a store
 * of the caller's that has no such bound. @internal
 */
export function wasEvicted(store: HistoryStore, id: string): boolean {
  const evicted = (store as Partial<DoorHistoryStore>).evicted;
  return typeof evicted === 'function' && evicted.call(store, id) === true;
}

/** Names `id`'s owner to `store` when it is a {@link DoorHistoryStore}. @internal */
export function ownThread(store: HistoryStore, id: string, owner: RunOwner): void {
  const own = (store as Partial<DoorHistoryStore>).own;
  if (typeof own === 'function') own.call(store, id, owner);
}

/**
 * A turn's size as stored elsewhere: the UTF-8 bytes of its JSON. One JSON cannot write (a cycle,
 * a BigInt: it could not have been sent to the model either) counts as the thread's bound, so it
 * is kept only as the newest turn, and never counts more than a full thread in the total.
 */
function sizeOf(turn: ChatTurn, bound: number): number {
  try {
    return new TextEncoder().encode(JSON.stringify(turn)).byteLength;
  } catch {
    return bound;
  }
}

function checkBytes(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError({
      argument: `createDoorHistoryStore.${name}`,
      message: `createDoorHistoryStore({ ${name} }) must be a whole number of bytes of at least 1; got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)}.`,
    });
  }
}
