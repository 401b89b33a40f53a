import type { HistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import type { RunOwner } from '@gemloop/core/web';
import { ownThread } from '../door/create-door-history-store.ts';
import { pickEvicted } from '../door/pick-evicted.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';
import type { LiveRun } from './live-run.ts';

/**
 * A thread: its owner, the chat session's key, whether an AG-UI run streams from it now, and
 * its gemloop run that waits for answers to interrupts, if any. @internal
 */
export type Thread = {
  owner: RunOwner;
  key: string;
  busy: boolean;
  /**
   * No run of the thread has finished yet: the client's messages are its whole conversation, and
   * the next new message stores them anew (AG-UI's run input is "everything the producer knows
   * about the conversation"). A first run that failed, or was left at an interrupt, leaves nothing.
   */
  fresh: boolean;
  /** Earlier messages were stored for a run that has not finished (cleared before the next). */
  seeded?: boolean;
  live: LiveRun | undefined;
  /**
   * The ids of the user messages the thread's runs were sent and did not store (a run its client
   * aborted, one that failed, one left at an interrupt), oldest first: a later run takes those the
   * client still sends back into the thread (`carryUnanswered`). Cleared by a run that finishes.
   */
  unanswered?: string[] | undefined;
  /** The shared state the thread's last run left (JSON), when the door keeps one. */
  state?: unknown;
};

/**
 * Threads by caller and AG-UI `threadId`: the client names its threads, so each caller has its
 * own space of ids, and a stranger who sends another caller's `threadId` opens a fresh thread of
 * their own (the same answer as for any new id), never learning that the other exists. Bounded:
 * past `maxThreads` the least recently used idle one of the caller holding the most is
 * forgotten and its turns cleared from the store (a caller making up ids pushes out their own).
 * @internal
 */
export function createThreadIndex(options: {
  store: HistoryStore;
  maxThreads: number;
  onError: (error: unknown) => void;
}): { open(threadId: string, owner: RunOwner): Thread } {
  const threads = new Map<string, Thread>();
  return {
    /** The caller's thread `threadId`, made on first use, marked busy. */
    open(threadId: string, owner: RunOwner): Thread {
      // One map key per caller and thread (JSON: neither part can forge the other's boundary).
      const id = JSON.stringify([owner, threadId]);
      let thread = threads.get(id);
      if (thread === undefined) {
        forgetOldest(owner);
        thread = {
          owner,
          key: `ag-ui:${crypto.randomUUID()}`,
          busy: false,
          fresh: true,
          live: undefined,
        };
        ownThread(options.store, thread.key, owner);
      } else {
        threads.delete(id);
      }
      // Most recently used last: the oldest idle thread is the first in the map.
      threads.set(id, thread);
      if (thread.busy) {
        throw new AgUiRequestError({
          status: 409,
          errorCode: 'thread_busy',
          message: 'Another run is in progress in this thread; retry when it is done.',
        });
      }
      thread.busy = true;
      return thread;
    },
  };

  function forgetOldest(adding: RunOwner) {
    if (threads.size < options.maxThreads) return;
    // The least recently used idle thread of the caller holding the most, never another's.
    const id = pickEvicted(
      threads,
      (thread) => thread.owner,
      (thread) => !thread.busy,
      adding,
    );
    const thread = id === undefined ? undefined : threads.get(id);
    if (id !== undefined && thread !== undefined) {
      threads.delete(id);
      thread.live?.abort.abort();
      Promise.resolve()
        .then(() => options.store.clear(thread.key, { logger: silentLogger }))
        .catch(options.onError);
      return;
    }
    throw new AgUiRequestError({
      status: 503,
      errorCode: 'too_many_threads',
      message: 'Every thread the server holds is running; retry later.',
    });
  }
}
