import { type ChatResult, createChatSession, type HistoryStore } from '@gemloop/core/chat';
import { keylessEventsShowing, type ScanMemo } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import type { RunOwner } from '@gemloop/core/web';
import { wasEvicted } from '../door/create-door-history-store.ts';
import { createSendStore } from '../door/create-send-store.ts';
import type { DoorTelemetry } from '../door/door-telemetry.ts';
import { carryUnanswered, MAX_UNANSWERED } from './carry-unanswered.ts';
import type { AgUiSettings } from './check-ag-ui-options.ts';
import { createLiveRun, type LiveRun, type LiveRunStream } from './live-run.ts';
import { checkSeededMedia, type ReadRunInput } from './read-run-input.ts';
import { startRunState } from './start-run-state.ts';
import type { Thread } from './thread-index.ts';

/** What the AG-UI door holds for all its runs, which {@link startAgUiRun} reads. @internal */
export type AgUiDoorContext = {
  settings: AgUiSettings;
  store: HistoryStore;
  telemetry: DoorTelemetry;
  agentName: string;
  /** The door's threads' texts found clean (scrub47). */
  scanned: ScanMemo;
};

/**
 * A new turn of `thread`: its stored history made ready (seeded from the client's messages for
 * a thread with no finished run, stored anew for one the store evicted, the messages of runs that
 * did not finish carried), then the chat send started and traced as the door's run. The live run
 * is the thread's from now on; its session closes when it settles. @internal
 */
export async function startAgUiRun(
  door: AgUiDoorContext,
  run: {
    thread: Thread;
    owner: RunOwner;
    read: ReadRunInput & { message: NonNullable<ReadRunInput['message']> };
  },
): Promise<LiveRun> {
  const { settings, store, telemetry, agentName, scanned } = door;
  const { thread, owner, read } = run;
  const { input, message, messageId, messageMedia, earlierUsers } = read;
  await prepareThread(store, thread, read);
  // The user messages of runs that did not finish, which the client still holds: AG-UI's
  // client keeps an aborted run's message and sends it again ("Everything the producer
  // knows about the conversation arrives through" the run input), as a fresh thread's
  // seed above takes it. Stored only with this run's own turn (createSendStore).
  const carried = thread.fresh ? [] : carryUnanswered(thread.unanswered, earlierUsers);
  if (carried.length > 0) {
    checkSeededMedia(carried.reduce((sum, each) => sum + each.media, messageMedia));
  }
  thread.unanswered = [...carried.map((each) => each.id), messageId].slice(-MAX_UNANSWERED);
  const abort = new AbortController();
  const state = startRunState({
    thread,
    clientState: input.state,
    shared: settings.state,
    onError: settings.onError,
  });
  const session = createChatSession({
    agent: settings.agent,
    store:
      carried.length === 0
        ? store
        : createSendStore({
            store,
            key: thread.key,
            earlier: { contents: carried.map((each) => each.content) },
          }),
    id: thread.key,
  });
  let stream: LiveRunStream;
  try {
    // The door span lasts the run, across the requests that answer its interrupts.
    stream = telemetry.run(
      { door: 'ag-ui', operation: 'run', agent: agentName, streaming: true, signal: abort.signal },
      () =>
        keylessEventsShowing(
          session.sendStream(message, { signal: abort.signal }),
          // The state's `reduce` sees `run-end` (its result is the page's to copy from):
          // whole, then; else only the answer's text is sent, and scanned (scrub48).
          settings.state === undefined ? answerOf : wholeResult,
          scanned,
        ),
      (running) => running.result,
    );
  } catch (error) {
    // A run that fails as it starts (the door's tracer, as it opens the span) is followed as one
    // that failed at once: a RUN_ERROR as any failed run. Thrown, it was an HTTP 500 before any
    // event, which `@ag-ui/client` throws from `runAgent` instead (doors67).
    stream = failedAtStart(error);
  }
  const live = createLiveRun({
    stream,
    abort,
    approvals: settings.approvals,
    owner,
    runId: input.runId,
    maxToolResultChars: settings.maxToolResultChars,
    thoughts: settings.thoughts,
    state,
  });
  void live.result
    .catch(() => undefined)
    .finally(() => {
      live.dispose();
      void session.close().catch(settings.onError);
    });
  thread.live = live;
  return live;
}

/**
 * The thread's stored history before a new turn: the media of the client's earlier messages
 * counted when they seed it, the thread's waiting run abandoned, a history the store evicted
 * stored anew, and a thread with no finished run seeded from the client's earlier messages.
 */
async function prepareThread(
  store: HistoryStore,
  thread: Thread,
  read: ReadRunInput,
): Promise<void> {
  // The client's earlier messages are read only to seed a thread the server does not
  // have: their media count then, and a page's long thread goes on otherwise.
  if (thread.fresh || wasEvicted(store, thread.key)) checkSeededMedia(read.seededMedia);
  // A new turn: interrupts of the thread's run left unanswered are abandoned with it.
  thread.live?.abort.abort();
  thread.live = undefined;
  if (!thread.fresh && wasEvicted(store, thread.key)) {
    // The store evicted the thread's history (the door store's maxTotalBytes): the run
    // input carries the whole conversation (below), so it is stored anew from it.
    await store.clear(thread.key, { logger: silentLogger });
    thread.fresh = true;
    thread.seeded = false;
  }
  if (!thread.fresh) return;
  // No run of the thread has finished: the conversation before it is the client's, as
  // one stored turn. What an attempt that failed stored goes first: AG-UI's client holds
  // the conversation ("Everything the producer knows about the conversation arrives
  // through" the run input: https://docs.ag-ui.com/spec/1.0/basic/run-input), so a
  // retry sends it again, and a client that moved on sends another.
  if (thread.seeded === true) await store.clear(thread.key, { logger: silentLogger });
  thread.seeded = read.earlier.length > 0;
  if (thread.seeded) {
    await store.append(thread.key, { contents: read.earlier }, { logger: silentLogger });
  }
}

/** A run's stream that failed before it began: no event, its result `error`. */
function failedAtStart(error: unknown): LiveRunStream {
  const result = Promise.reject(error);
  // Read by the live run; never unhandled meanwhile.
  result.catch(() => {});
  return {
    result,
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
  } as unknown as LiveRunStream;
}

/** What the door sends of a run's result without a state: its answer's text. */
function answerOf(result: ChatResult): { text: string } {
  return { text: result.text };
}

/** The whole result, for a door whose state's `reduce` reads the `run-end` event. */
function wholeResult(result: ChatResult): { text: string } {
  return result;
}
