import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { twoCopiesHint } from '../errors/two-copies-hint.ts';
import {
  booleanOption,
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '../options/define-options.ts';
import { positiveOption, timerOption } from '../options/positive-option.ts';
import type { ApprovalBroker } from './approval-broker.ts';
import { checkedApprovalBroker } from './approval-broker.ts';
import type { BrowserError } from './browser-event.ts';
import { type AgentEventSource, startBrowserRun } from './browser-run.ts';
import { pluginEventsOption } from './plugin-events-option.ts';
import { type ReplayBuffer, replayBufferInternals } from './replay-buffer.ts';
import { checkOwnerOption, type RunOwner } from './run-owner.ts';
import { EVENT_STREAM_HEADERS } from './sse-frame.ts';

/** Options of {@link toEventStreamResponse} and `writeEventStream`. */
export type EventStreamOptions = {
  /** Send `thought-delta` events (thought summaries). Default `false`: a page does not get them. */
  thoughts?: boolean | undefined;
  /** Characters of a tool's result sent as `preview`; 0 sends none. Default 2000. */
  maxResultPreviewChars?: number | undefined;
  /** A `: ping` comment every so many ms while the run is quiet, for proxies; 0: none. Default 15,000. */
  heartbeatMs?: number | undefined;
  /**
   * Keeps the run's events so that a page can resume after a broken connection. The `start`
   * event then says `cancellable`: a page's Stop sends a cancel request that `replay.resume()`
   * answers by stopping the run at once (a dropped connection waits `reconnectWindowMs`).
   */
  replay?: ReplayBuffer | undefined;
  /**
   * Who the run belongs to ({@link RunOwner}: your caller's user or tenant id, from your
   * session). Only requests that give the same owner may resume it, cancel it or answer its
   * approvals (`replay.resume(request, { owner })`, `approvals.handleAnswer(request, { owner })`);
   * anyone else gets the answer an unknown run id gets. Leave it out only where every caller may
   * reach every run.
   */
  owner?: RunOwner | undefined;
  /**
   * The plugins whose events (`run.emit`) the page gets as `plugin` events, by name (e.g.
   * `['mcp-requests']` for MCP elicitation). Default none: a plugin's data is written for spans
   * and recordings, so only the plugins named here reach a page.
   */
  pluginEvents?: readonly string[] | undefined;
  /** Shows this run's pending approvals on its page (the broker's `beforeToolCall` is the agent's). */
  approvals?: ApprovalBroker | undefined;
  /** Called with a failed run's error (log it there); the page gets only {@link BrowserError}. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * What the page sees of an error; `undefined` falls back to the default: gemloop's errors as
   * name, code and a fixed message for the code (never their own message, which may quote an
   * internal address or what a guardrail threw), anything else as `The run failed.`.
   */
  exposeError?: ((error: unknown) => BrowserError | undefined) | undefined;
  /**
   * The run's id in the `start` event, which a page resumes by: unique per run (not a chat's id,
   * which its next turn would share). Default `crypto.randomUUID()`.
   */
  runId?: string | undefined;
};

// Unknown keys refused, naming the one meant (attack13): a misspelt `owner` (`ownr`) served the
// run with no owner, so anyone who learned its id could resume it, cancel it or answer its
// approvals. Each value is checked where it is read.
const eventStreamOptions: DeclaredOptions<EventStreamOptions> = defineOptions<EventStreamOptions>({
  name: 'toEventStreamResponse',
  example: '{ replay, owner: session.userId }',
  checks: {
    thoughts: booleanOption(),
    maxResultPreviewChars: checkedWhereUsed,
    heartbeatMs: checkedWhereUsed,
    replay: checkedWhereUsed,
    owner: checkedWhereUsed,
    pluginEvents: checkedWhereUsed,
    approvals: checkedWhereUsed,
    onError: functionOption(),
    exposeError: functionOption(),
    runId: checkedWhereUsed,
  },
});

/**
 * A run's events as a server-sent-events `Response` (docs/browser-protocol.md), for any server
 * that speaks the web `Response`: Node 20's global one, Hono, Next.js route handlers, Workers,
 * Deno, Bun.
 *
 * The status is always `200` once the run exists: a run that fails, even before its first model
 * call, ends with an `error` event then `finish`, never with an empty body. When the page goes
 * away (the response body is cancelled), the run is aborted quietly (`finish` with `aborted`,
 * nothing logged), at once, or with `replay` after its `reconnectWindowMs` if no page resumes it.
 *
 * @example
 * ```ts
 * app.post('/chat', async (c) => {
 *   const { message } = await c.req.json();
 *   return toEventStreamResponse(agent.stream(message, { signal: c.req.raw.signal }));
 * });
 * ```
 * @throws {@link InvalidArgumentError} for a source that is not an agent or chat stream, a bad
 *   option, or a `runId` the `replay` buffer already holds.
 */
export function toEventStreamResponse(
  source: AgentEventSource,
  options: EventStreamOptions = {},
): Response {
  return new Response(openEventStream(source, options), {
    status: 200,
    headers: EVENT_STREAM_HEADERS,
  });
}

/** The frames of a new run, as bytes. @internal */
export function openEventStream(
  source: AgentEventSource,
  options: EventStreamOptions,
): ReadableStream<Uint8Array> {
  if (
    typeof source !== 'object' ||
    source === null ||
    typeof (source as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function' ||
    typeof source.abort !== 'function'
  ) {
    throw new InvalidArgumentError({
      argument: 'source',
      message:
        'toEventStreamResponse takes what agent.stream() or chat.sendStream() returns (an async iterable of agent events with abort()).',
    });
  }
  try {
    eventStreamOptions.check(options);
    checkedApprovalBroker(options.approvals, 'toEventStreamResponse');
  } catch (error) {
    // No page will read a run its options refused.
    source.abort(
      new DOMException('The run was not served: its options were refused.', 'AbortError'),
    );
    throw error;
  }
  const replay = replayBufferInternals(options.replay);
  if (options.replay !== undefined && replay === undefined) {
    throw new InvalidArgumentError({
      argument: 'replay',
      message: `replay must be a buffer made by createReplayBuffer().${twoCopiesHint(options.replay, 'replay-buffer', 'buffer', 'createReplayBuffer')}`,
    });
  }
  const owner = checkOwnerOption(options.owner, 'owner');
  const runId = options.runId ?? crypto.randomUUID();
  if (replay?.holds(runId) === true) {
    // Replacing it would hand the page of the held run this one's events when it resumes. The
    // refused run is stopped: no page will ever read it.
    source.abort(new DOMException('The run was not served: its runId is taken.', 'AbortError'));
    throw new InvalidArgumentError({
      argument: 'runId',
      message: `The replay buffer already holds a run with id ${JSON.stringify(runId.slice(0, 64))}: a page resuming that run would get this one's events. Give each run its own runId (leave it out for a random one).`,
    });
  }
  const { run, first } = startBrowserRun(source, {
    runId,
    owner,
    cancellable: replay !== undefined,
    thoughts: options.thoughts === true,
    maxResultPreviewChars: positiveOption(
      options.maxResultPreviewChars,
      2000,
      'maxResultPreviewChars',
      true,
    ),
    redaction: undefined,
    pluginEvents: pluginEventsOption(options.pluginEvents),
    heartbeatMs: timerOption(options.heartbeatMs, 15_000, 'heartbeatMs', true),
    detachGraceMs: replay?.reconnectWindowMs ?? 0,
    retain: replay?.retain,
    approvals: options.approvals,
    onError: options.onError,
    exposeError: options.exposeError,
  });
  replay?.add(run);
  return first;
}
