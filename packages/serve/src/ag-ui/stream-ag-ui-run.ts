import { type BaseEvent, EventType, type Message } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE, EventEncoder } from '@ag-ui/encoder';
import { toBrowserError } from '@gemloop/core/internal';
import { HEARTBEAT_FRAME, type Heartbeat, startHeartbeat } from '../door/heartbeat.ts';
import { cutOffStalledReader, unreadBytesStrategy } from '../door/unread-cap.ts';
import { interruptedRun, type LiveRun } from './live-run.ts';
import type { Thread } from './thread-index.ts';

/** What {@link streamAgUiRun} streams, and the door's settings it reads. @internal */
export type StreamAgUiRunOptions = {
  request: Request;
  thread: Thread;
  live: LiveRun;
  threadId: string;
  runId: string;
  /** The client's messages, which a retraction's `MESSAGES_SNAPSHOT` keeps. */
  messages: readonly Message[];
  /** The door keeps a shared state: the thread takes the run's when it is released. */
  keepsState: boolean;
  /** The door's `heartbeatMs` (0: none). */
  heartbeatMs: number;
  onError: (error: unknown) => void;
};

/**
 * The AG-UI run as the response: the live run's events until it ends or waits again, as
 * server-sent events (or protobuf for a client that names AG-UI's media type), with the door's
 * heartbeat. The client going away, or leaving too much unread, stops the run and frees the
 * thread. @internal
 */
export function streamAgUiRun(run: StreamAgUiRunOptions): Response {
  const { request, live } = run;
  // Protobuf only for a client that names AG-UI's media type: the encoder also picks it for
  // `*/*` (what curl and a bare fetch send), which would hand them binary frames.
  const accept = request.headers.get('accept') ?? '';
  const protobuf = accept.includes(AGUI_MEDIA_TYPE);
  const encoder = new EventEncoder(protobuf ? { accept } : {});
  // While this request streams, the client going away stops the gemloop run.
  let detached = false;
  let heartbeat: Heartbeat | undefined;
  const releaseThread = threadReleaser(run);
  const leave = () => {
    detached = true;
    heartbeat?.stop();
    live.abort.abort();
    releaseThread();
  };
  const onClientGone = () => {
    heartbeat?.stop();
    live.abort.abort();
    releaseThread();
  };
  request.signal.addEventListener('abort', onClientGone, { once: true });
  const body = new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        // Server-sent events only: `@ag-ui/client` reads a block without `data:` as nothing
        // (its `parseSSEStream`); protobuf's length-prefixed frames have no comment.
        heartbeat = startHeartbeat({
          everyMs: protobuf ? 0 : run.heartbeatMs,
          ping: () => {
            if (detached) return;
            controller.enqueue(HEARTBEAT_FRAME);
            if (cutOffStalledReader(controller)) leave();
          },
        });
        const send = (event: BaseEvent, ended = false) => {
          if (detached) return;
          heartbeat?.wrote();
          controller.enqueue(encoder.encodeBinary(event));
          // A client that stopped reading: dropped, its run stopped, rather than held for it.
          // `RUN_FINISHED` (the answer whole, the run over) is not judged: an answer of
          // megabytes cut every client there, however fast it read (attack49b).
          if (!ended && cutOffStalledReader(controller)) leave();
        };
        try {
          await sendRunEvents(run, send);
        } finally {
          heartbeat.stop();
          request.signal.removeEventListener('abort', onClientGone);
          releaseThread();
          if (!detached) {
            detached = true;
            controller.close();
          }
        }
      },
      cancel: leave,
    },
    unreadBytesStrategy,
  );
  return new Response(body, {
    headers: {
      'content-type': encoder.getContentType(),
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    },
  });
}

/**
 * The thread free for its next run: at the stream's end, or as soon as its client is gone (the
 * run aborted, its model call cancelled; a tool that ignores the signal is left to run unheard,
 * its result dropped by the agent's `runToolCall`), not once the run has unwound: a page that
 * reloads gets its run, not 409 `thread_busy`. The next chat send of the thread queues behind
 * the aborted one's (which settles at once), so turns stay in order. Once: the next run may have
 * taken the thread since, and its state and `busy` are its own.
 */
function threadReleaser({ thread, live, keepsState }: StreamAgUiRunOptions): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (keepsState) thread.state = live.state();
    if (thread.live === live && live.abort.signal.aborted) thread.live = undefined;
    thread.busy = false;
  };
}

/**
 * `RUN_STARTED`, the run's events, then `RUN_FINISHED`, the interrupt that ends a waiting run,
 * or `RUN_ERROR` with fixed words for a run that failed (nothing for one its caller stopped).
 */
async function sendRunEvents(
  run: StreamAgUiRunOptions,
  send: (event: BaseEvent, ended?: boolean) => void,
): Promise<void> {
  const { thread, live, threadId, runId } = run;
  send({ type: EventType.RUN_STARTED, threadId, runId } as BaseEvent);
  try {
    const ended = await live.pump(send, run.messages);
    for (const each of live.close()) send(each);
    if (ended === 'interrupted') {
      send(interruptedRun(threadId, runId, live));
      return;
    }
    const result = await live.result;
    if (thread.live === live) thread.live = undefined;
    // The server's turns are the thread's from now on (the client's earlier ones ignored).
    thread.fresh = false;
    // Its turn is stored, with the messages it carried: none is left unanswered.
    thread.unanswered = undefined;
    send({ type: EventType.RUN_FINISHED, threadId, runId, result: result.text } as BaseEvent, true);
  } catch (error) {
    if (thread.live === live) thread.live = undefined;
    // A caller that went away stopped its own run: nothing for the server's log.
    if (live.abort.signal.aborted) return;
    run.onError(error);
    for (const each of live.close()) send(each);
    const shown = toBrowserError(error, undefined);
    send({
      type: EventType.RUN_ERROR,
      message: shown.message,
      code: shown.code ?? 'run_failed',
    } as BaseEvent);
  }
}
