import { ClientError } from './client-error.ts';
import { describeOptionValue } from './describe-option-value.ts';
import type { HeadersOption } from './header-credentials.ts';
import type { ResumePoint } from './resume-point.ts';

/** Options of {@link agentEvents} and `streamAgent`. */
export type AgentEventsOptions = {
  /** The request body: a string as is, anything else as JSON (with `content-type: application/json`). */
  body?: unknown;
  /** Default `POST`. */
  method?: string | undefined;
  /** Headers of every request (an auth header, say): a record, a `Headers` or pairs, as fetch takes them. */
  headers?: HeadersOption | undefined;
  /**
   * Stops the run: the request is aborted, and, when the run outlives a dropped connection (its
   * `start` event says `cancellable`, or `cancelUrl` is given), a cancel request tells the server
   * to stop it at once. The iteration then throws the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /**
   * Where a Stop (the `signal`) sends its cancel request: a `POST` with the `Gemloop-Run-Id` and
   * `Gemloop-Cancel: 1` headers and `headers`. Default: the run's own `url`, when its `start`
   * event says `cancellable` (`replay.resume()` answers it there). Give it for a route of your
   * own, such as a durable run's cancel route (`runs.cancel(runId, { owner })`).
   */
  cancelUrl?: string | URL | undefined;
  /** Default the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * Reconnects in a row after a broken connection before giving up. A connection counts as
   * healthy, and resets the count, only when it brought new events and stayed up 5 s: a server
   * that sends an event and drops, again and again, is given up on too (`connection-lost`).
   * Default 5; 0: none; an integer or `Infinity`.
   */
  maxReconnects?: number | undefined;
  /** The first wait before a reconnect, doubled each time up to 5 s. Default 250 ms. */
  reconnectDelayMs?: number | undefined;
  /** Characters of one event (or one line) at most. Default 1 MB. Limits are integers of at least 1, or `Infinity`. */
  maxEventChars?: number | undefined;
  /** Events of one run at most. Default 100,000. */
  maxEvents?: number | undefined;
  /** Characters of one run at most, over every connection. Default 64 MB. */
  maxChars?: number | undefined;
  /**
   * Milliseconds the server may send nothing, not even a `: ping`, while the page waits for the
   * run's next bytes, before the stream ends with `ClientError` `idle-timeout`. Off by default
   * (`Infinity`): a server started with `heartbeatMs: 0` sends nothing during a slow tool, and
   * that is no fault; core's servers do not say their heartbeat interval on the wire, so none is
   * assumed. With core's default heartbeat (a ping every 15 s while the run is quiet), 45,000 (three
   * missed pings) is a good choice. Only time spent waiting on the server counts, not a page slow
   * to take the events. The same bound covers the wait for the response's headers (the request
   * and each reconnect): a server that never answers ends with `idle-timeout` too; and the cancel
   * a Stop sends (a cancellable run) is let go of once it passes unanswered. An integer of at least
   * 1, or `Infinity`.
   */
  idleTimeoutMs?: number | undefined;
  /**
   * Continue a run this page was reading before (a reload): the first request already carries
   * `Gemloop-Run-Id` and `Last-Event-ID`, and the events are those after `lastEventId` (no second
   * `start`). A run the server can no longer resume throws `ClientError` `resume-unavailable`.
   */
  resume?: ResumePoint | undefined;
  /**
   * Called with the point to resume from as each event is handed out (before the loop body sees
   * it), and with `undefined` once there is nothing to resume: after `finish`, or when the server
   * can no longer resume the run. Save it where the page keeps its state (`sessionStorage`, say)
   * together with what it shows of the events so far; it is called per event, so a store that is
   * slow to write should keep the latest and write it now and then.
   */
  onResumePoint?: ((point: ResumePoint | undefined) => void) | undefined;
};

/** The bounds of one run's events, read from {@link AgentEventsOptions}. @internal */
export type AgentEventsLimits = {
  maxEventChars: number;
  maxEvents: number;
  maxChars: number;
  /** `Infinity`: no idle bound. */
  idleTimeoutMs: number;
};

/** Every option of {@link agentEvents}, for `checkOptionKeys` (a misspelt one refused). @internal */
export const AGENT_EVENTS_OPTIONS: Readonly<Record<keyof AgentEventsOptions, 1>> = {
  body: 1,
  method: 1,
  headers: 1,
  signal: 1,
  cancelUrl: 1,
  fetch: 1,
  maxReconnects: 1,
  reconnectDelayMs: 1,
  maxEventChars: 1,
  maxEvents: 1,
  maxChars: 1,
  idleTimeoutMs: 1,
  resume: 1,
  onResumePoint: 1,
};

/**
 * `value`, or `fallback` when it is undefined: an integer of at least `min`, or `Infinity` (no
 * limit). A NaN, a negative or a fractional limit would otherwise remove it without a word
 * (`events > NaN` is never true) or make every run fail at its first event.
 * @internal
 */
export function countOption(
  value: number | undefined,
  fallback: number,
  name: string,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value === 'number' &&
    (Number.isInteger(value) || value === Infinity) &&
    value >= min
  ) {
    return value;
  }
  throw invalidOption(name, `an integer of at least ${min}, or Infinity for no limit`, value);
}

/**
 * `value`, or `fallback` when it is undefined: a finite number of milliseconds, 0 or more.
 * @internal
 */
export function delayOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw invalidOption(name, 'a finite number of milliseconds, 0 or more', value);
}

function invalidOption(name: string, accepted: string, value: unknown): ClientError {
  return new ClientError({
    code: 'invalid-option',
    option: name,
    message: `${name} must be ${accepted}; got ${describeOptionValue(value)}.`,
  });
}
