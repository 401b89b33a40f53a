import { createMemoryHistoryStore, type MemoryHistoryStore } from '@gemloop/core/chat';

/**
 * The most one thread (conversation, context, session) of a door's default store holds: its
 * newest turns within 4 MiB of JSON. About a million tokens of English, Gemini's largest window,
 * so the bound rarely cuts what the model could have read; at the default 1000 threads, up to
 * 4 GiB held in all (lower `maxThreads` or give a store of your own to hold less).
 * @internal
 */
export const DEFAULT_THREAD_HISTORY_BYTES: number = 4 * 1024 * 1024;

/**
 * A door's default history store: in memory, each thread's oldest turns dropped past
 * {@link DEFAULT_THREAD_HISTORY_BYTES} (attack44a: a thread bounded only by what the model
 * accepts let one owner pin gigabytes, and the thread was dead once the model refused it).
 * @internal
 */
export function createDoorHistoryStore(): MemoryHistoryStore {
  return createMemoryHistoryStore({ maxHistoryBytes: DEFAULT_THREAD_HISTORY_BYTES });
}
