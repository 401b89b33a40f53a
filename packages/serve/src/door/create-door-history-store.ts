import {
  createMemoryHistoryStore,
  type HistoryStore,
  type HistoryStoreContext,
  type MemoryHistoryStore,
} from '@gemloop/core/chat';
import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RunOwner } from '@gemloop/core/web';
import { pickEvicted } from './pick-evicted.ts';

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
  // Each thread's turns, and the dropping of its oldest past maxThreadBytes, are core's store's
  // (doors45 had a near-copy of it here); this one adds the bound on all threads together.
  const threads = createMemoryHistoryStore({ maxHistoryBytes: maxThreadBytes });
  // Each thread's bytes as last counted, in the order of use: the least recently used first.
  const held = new Map<string, { id: string; bytes: number }>();
  const owners = new Map<string, RunOwner>();
  const evictedIds = new Set<string>();
  let total = 0;

  function touch(id: string): void {
    const entry = held.get(id);
    if (entry !== undefined) {
      held.delete(id);
      held.set(id, entry);
    }
  }

  /**
   * Past `maxTotalBytes`, whole threads go: the least recently used of the owner holding the
   * most bytes, never `keep` (the one just appended to).
   */
  function evictFor(keep: string, context: HistoryStoreContext): void {
    while (total > maxTotalBytes) {
      const id = pickEvicted(
        held,
        (entry) => owners.get(entry.id) ?? '',
        (entry) => entry.id !== keep,
        undefined,
        (entry) => entry.bytes,
      );
      if (id === undefined) return;
      total -= held.get(id)?.bytes ?? 0;
      held.delete(id);
      void threads.clear(id, context);
      evictedIds.add(id);
      if (evictedIds.size > MAX_EVICTED_MARKS) {
        const oldest = evictedIds.values().next().value;
        if (oldest !== undefined) evictedIds.delete(oldest);
      }
    }
  }

  return {
    load(id, context) {
      touch(id);
      return threads.load(id, context);
    },
    append(id, turn, context) {
      // A run that was answering when its thread was evicted: its turn would start a history
      // without the rest, so it is dropped, and the thread's next use is answered as evicted.
      if (evictedIds.has(id)) return;
      void threads.append(id, turn, context);
      const bytes = threads.bytes(id);
      total += bytes - (held.get(id)?.bytes ?? 0);
      held.delete(id);
      held.set(id, { id, bytes });
      evictFor(id, context);
    },
    clear(id, context) {
      total -= held.get(id)?.bytes ?? 0;
      held.delete(id);
      void threads.clear(id, context);
      owners.delete(id);
      evictedIds.delete(id);
    },
    ids() {
      return [...held.keys()];
    },
    snapshot(id) {
      touch(id);
      return threads.snapshot(id);
    },
    bytes(id) {
      return threads.bytes(id);
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

function checkBytes(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError({
      argument: `createDoorHistoryStore.${name}`,
      message: `createDoorHistoryStore({ ${name} }) must be a whole number of bytes of at least 1; got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)}.`,
    });
  }
}
