import type { AgentEvent } from '../agent/agent-event.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { isRedactingStream } from '../agent/redacting-streams.ts';
import {
  type ApprovalListener,
  approvalBrokerInternals,
  type PendingApproval,
} from './approval-broker.ts';
import type { BrowserError, BrowserEvent, BrowserToolCallEvent } from './browser-event.ts';
import { boundedCallId, createCallIds } from './call-ids.ts';
import { deltaPieces } from './delta-pieces.ts';
import { createFrameQueue } from './frame-queue.ts';
import { keylessFilter, streamKeysOf } from './keyless-events.ts';
import type { RunOwner } from './run-owner.ts';
import { toSseFrame } from './sse-frame.ts';
import { toBrowserError } from './to-browser-error.ts';
import { type BrowserEventMapping, toBrowserEvent, toBrowserUsage } from './to-browser-events.ts';

const NO_REDACTOR = Object.freeze({ redactor: undefined });

/** What the helpers turn into server-sent events: `agent.stream()` or `chat.sendStream()`. */
export type AgentEventSource = AsyncIterable<AgentEvent<unknown>> & {
  /** Stops the run (the page went away). */
  abort(reason?: unknown): void;
};

/** What a run keeps for resuming (set by a `ReplayBuffer`). @internal */
export type RetainLimits = { maxEvents: number; maxBytes: number };

/** Options the run itself needs. @internal */
export type BrowserRunOptions = BrowserEventMapping & {
  runId: string;
  /** Who may reach the run after it started (resume, cancel, answer its approvals). */
  owner: RunOwner | undefined;
  /**
   * Whether the `start` event tells the page that a dropped connection leaves the run going (a
   * replay buffer waits for it), so that a Stop must be said with a cancel request.
   */
  cancellable: boolean;
  heartbeatMs: number;
  /** How long a run without a page goes on before it is aborted (0: at once). */
  detachGraceMs: number;
  retain: RetainLimits | undefined;
  approvals: unknown;
  onError: ((error: unknown) => void) | undefined;
  exposeError: ((error: unknown) => BrowserError | undefined) | undefined;
};

type Frame = { seq: number; bytes: Uint8Array };
type Subscriber = { write(bytes: Uint8Array): void; close(): void };

/** A run being served to pages: its frames, live and kept. @internal */
export type BrowserRun = {
  readonly runId: string;
  /** The owner recorded when the run started. */
  readonly owner: RunOwner | undefined;
  /** Whether the `finish` frame went out. */
  readonly ended: boolean;
  /** When it ended (`Date.now()`), for the replay buffer's TTL. */
  readonly endedAt: number | undefined;
  /**
   * The frames after `afterSeq` (-1: all), then the live ones, as bytes; `undefined` when some of
   * them are no longer kept.
   */
  open(afterSeq: number): ReadableStream<Uint8Array> | undefined;
  /**
   * Stops the run at once (a page's explicit Stop): aborted quietly, as when its page went away,
   * but without waiting for a reconnect.
   */
  cancel(): void;
};

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');

/**
 * How far behind a page may fall before it is dropped: half of what the replay buffer keeps, so
 * that every frame it did not read is still kept when it resumes. Without a buffer a page is never
 * dropped (it could not resume; the run would be aborted).
 */
function unreadLimit(
  retain: RetainLimits | undefined,
): { maxEvents: number; maxBytes: number } | undefined {
  if (retain === undefined) return undefined;
  return {
    maxEvents: Math.max(1, Math.floor(retain.maxEvents / 2)),
    maxBytes: Math.max(1, Math.floor(retain.maxBytes / 2)),
  };
}

/** Starts reading `source` into frames: the run, and the first page's stream of them. @internal */
export function startBrowserRun(
  source: AgentEventSource,
  options: BrowserRunOptions,
): { run: BrowserRun; first: ReadableStream<Uint8Array> } {
  const mapping: BrowserEventMapping = {
    thoughts: options.thoughts,
    maxResultPreviewChars: options.maxResultPreviewChars,
    pluginEvents: options.pluginEvents,
    callIds: createCallIds(),
    // Read per event: a chat send is marked once its inner stream exists.
    get redaction() {
      return isRedactingStream(source) ? NO_REDACTOR : undefined;
    },
  };
  // The frames kept for resuming (with `retain`), oldest first.
  const frames = createFrameQueue<Frame>((frame) => frame.bytes.byteLength);
  let nextSeq = 0;
  let ended = false;
  let endedAt: number | undefined;
  let abortedByPage = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const subscribers = new Set<Subscriber>();
  // The calls this page was shown, by their arguments object (which `beforeToolCall` gets too):
  // an approval is shown where its call was, redacted as it was (issue 52: a subagent's call).
  const seenCalls = new WeakMap<object, BrowserToolCallEvent>();

  const push = (event: BrowserEvent): void => {
    if (ended) return;
    const seq = nextSeq++;
    // Bytes, as `maxBytesPerRun` counts them (UTF-16 code units undercounted text that is not ASCII).
    const bytes = encoder.encode(toSseFrame(seq, event));
    const retain = options.retain;
    if (retain !== undefined) {
      frames.push({ seq, bytes });
      // Bounded: the oldest frames go first; a resume from before them is refused.
      while (frames.size > retain.maxEvents || frames.bytes > retain.maxBytes) frames.shift();
    }
    for (const subscriber of [...subscribers]) {
      try {
        subscriber.write(bytes);
      } catch {
        // Its stream errored under it (a runtime that errors a body instead of cancelling it).
        subscribers.delete(subscriber);
      }
    }
    if (event.type === 'finish') {
      ended = true;
      endedAt = Date.now();
      clearTimeout(graceTimer);
      stopListening?.();
      for (const subscriber of [...subscribers]) subscriber.close();
    }
  };

  const broker = approvalBrokerInternals(options.approvals);
  const listener: ApprovalListener = {
    runId: options.runId,
    owner: options.owner,
    owns: (rawArgs) => seenCalls.has(rawArgs),
    pending(approval: PendingApproval) {
      const call = seenCalls.get(approval.rawArgs);
      push({
        type: 'approval-pending',
        path: call?.path ?? [],
        approvalId: approval.approvalId,
        stepNumber: approval.stepNumber,
        // The id the page was shown the call with (the model may have repeated its own).
        toolCallId: call?.toolCallId ?? boundedCallId(approval.toolCallId),
        toolName: approval.toolName,
        // As the page was shown the call; a call it was not shown is never offered to it (`owns`).
        args: call?.args,
      });
    },
    resolved(approvalId, decision) {
      push({ type: 'approval-resolved', path: [], approvalId, decision });
    },
  };
  const stopListening = broker?.listen(listener);

  const pump = async (): Promise<void> => {
    push({
      type: 'start',
      path: [],
      runId: options.runId,
      protocol: 1,
      ...(options.cancellable ? { cancellable: true as const } : {}),
    });
    try {
      // The client's key the model wrote never reaches a page (keylessFilter: held back while a
      // delta could start it).
      const keyless = keylessFilter(() => streamKeysOf(source));
      const show = (event: AgentEvent<unknown>): void => {
        const browserEvent = toBrowserEvent(event, mapping);
        if (browserEvent !== undefined) for (const piece of deltaPieces(browserEvent)) push(piece);
        if (event.type === 'tool-call' && broker !== undefined) {
          // After the call itself: the page learns of the call, then that it waits.
          seenCalls.set(event.args, browserEvent as BrowserToolCallEvent);
          broker.claim(event.args, listener);
        }
      };
      for await (const event of source) {
        const shown = keyless.take(event);
        if (shown === event) show(event);
        else for (const each of shown as AgentEvent<unknown>[]) show(each);
      }
      for (const each of keyless.end()) show(each);
      // A source that ended without `run-end` (a wrapper's): still a finished run.
      push({
        type: 'finish',
        path: [],
        outcome: 'completed',
        finishReason: undefined,
        usage: undefined,
        cost: null,
      });
    } catch (error) {
      const usage = AgentRunError.isInstance(error) ? toBrowserUsage(error.run.usage) : undefined;
      // What the failed run was billed so far (an error from another copy may lack it).
      const cost = AgentRunError.isInstance(error) ? (error.run.cost ?? null) : null;
      if (abortedByPage || AgentAbortedError.isInstance(error)) {
        // Nobody (or a server shutdown) stopped it: not a failure, and nothing to log.
        push({
          type: 'finish',
          path: [],
          outcome: 'aborted',
          finishReason: undefined,
          usage,
          cost,
        });
        return;
      }
      try {
        options.onError?.(error);
      } catch {
        // A failing logger must not keep the page from its error event.
      }
      push({ type: 'error', path: [], error: toBrowserError(error, options.exposeError) });
      push({
        type: 'finish',
        path: [],
        outcome: 'error',
        finishReason: undefined,
        usage,
        cost,
      });
    }
  };

  const stop = (reason: string): void => {
    if (ended) return;
    clearTimeout(graceTimer);
    abortedByPage = true;
    source.abort(new DOMException(reason, 'AbortError'));
  };

  const detach = (subscriber: Subscriber): void => {
    if (!subscribers.delete(subscriber) || ended || subscribers.size > 0) return;
    const abort = (): void => {
      if (ended || subscribers.size > 0) return;
      stop('The page stopped reading the run.');
    };
    if (options.detachGraceMs === 0) abort();
    else {
      clearTimeout(graceTimer);
      graceTimer = setTimeout(abort, options.detachGraceMs);
    }
  };

  const run: BrowserRun = {
    runId: options.runId,
    owner: options.owner,
    cancel: () => stop('The page stopped the run.'),
    get ended() {
      return ended;
    },
    get endedAt() {
      return endedAt;
    },
    open(afterSeq) {
      const first = frames.first()?.seq ?? nextSeq;
      // Frames after `afterSeq` that are no longer kept: resuming would skip them. An id past the
      // last frame sent was never this run's (the page read another run): not resumed either.
      if (afterSeq + 1 < first || afterSeq >= nextSeq) return undefined;
      let subscriber: Subscriber | undefined;
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      // The frames this page has not read yet. Handed out one per read (`pull`, high-water mark
      // 0), so that a page that stops reading is seen here instead of growing the stream's own
      // queue with everything the run sends.
      const unread = createFrameQueue<Uint8Array>((bytes) => bytes.byteLength);
      let reading = false;
      let closing = false;
      let limit = unreadLimit(options.retain);
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      // Each page reads a copy: a runtime may take a chunk's buffer as its own.
      const deliver = (bytes: Uint8Array): void => {
        if (reading) {
          reading = false;
          controller.enqueue(bytes.slice());
          return;
        }
        unread.push(bytes);
        if (
          limit !== undefined &&
          subscriber !== undefined &&
          (unread.size > limit.maxEvents || unread.bytes > limit.maxBytes)
        ) {
          // A page this far behind would hold the run's events in memory a second time: its
          // body ends (before `finish`, which tells the page to resume) and the frames go; it
          // resumes from the buffer, which still holds every one of them.
          unread.clear();
          clearInterval(heartbeat);
          const dropped = subscriber;
          subscriber = undefined;
          controller.close();
          detach(dropped);
        }
      };
      return new ReadableStream<Uint8Array>(
        {
          start(streamController) {
            controller = streamController;
            for (const frame of frames.values()) {
              if (frame.seq > afterSeq) deliver(frame.bytes);
            }
            // A page that resumes far behind may keep that much unread (the buffer holds it
            // anyway); it is dropped only when it falls further behind, not at its next event.
            if (limit !== undefined) {
              limit = {
                maxEvents: Math.max(limit.maxEvents, unread.size),
                maxBytes: Math.max(limit.maxBytes, unread.bytes),
              };
            }
            if (ended) {
              closing = true;
              if (unread.size === 0) controller.close();
              return;
            }
            clearTimeout(graceTimer);
            const current: Subscriber = {
              write: deliver,
              close: () => {
                clearInterval(heartbeat);
                subscribers.delete(current);
                closing = true;
                if (unread.size === 0) controller.close();
              },
            };
            subscriber = current;
            subscribers.add(current);
            if (options.heartbeatMs > 0) {
              // A comment line: every SSE parser skips it; proxies see bytes and keep the line open.
              heartbeat = setInterval(
                () => (unread.size === 0 ? deliver(PING) : undefined),
                options.heartbeatMs,
              );
            }
          },
          pull() {
            const next = unread.shift();
            if (next === undefined) {
              reading = true;
              return;
            }
            controller.enqueue(next.slice());
            if (closing && unread.size === 0) controller.close();
          },
          cancel() {
            clearInterval(heartbeat);
            unread.clear();
            if (subscriber !== undefined) detach(subscriber);
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
  // The first page attaches before the first frame, so it gets every one even without `retain`.
  const first = run.open(-1) as ReadableStream<Uint8Array>;
  void pump();
  return { run, first };
}
