import type { BlockReason } from '@gemloop/core/wire';
import type { FakeHttpError } from './fake-errors.ts';

/**
 * A failure the fake injects into one model call (`generateContent` or `streamGenerateContent`).
 * Faults never use up a scripted turn: the call after a fault gets the turn the failed one would
 * have had.
 *
 * - HTTP errors, with the real bodies: `rate-limit` (429 with RetryInfo), `daily-quota` (429 whose
 *   QuotaFailure has a `PerDay` quotaId), `internal` (500), `overloaded` (503), or any
 *   `http-error`.
 * - `latency`: the answer is delayed by `ms`, at most 2147483647 (Node's longest timer); combines
 *   with any other fault.
 * - Broken streams, after `afterChunks` events (default 1): `connection-reset` (the socket is
 *   destroyed), `truncated-stream` (the body ends in the middle of an event), `stream-error` (an
 *   error object arrives as an event), `malformed-chunk` (an event that is not JSON). On
 *   `generateContent` they break the JSON body the same way; over msw and `fake.fetch` a reset
 *   is a body stream that errors.
 * - Model outcomes: `malformed-function-call`, `too-many-tool-calls`, `safety`, `blocked-prompt`,
 *   `empty-candidates`.
 */
export type FakeFault =
  | {
      type: 'rate-limit';
      /** The delay in RetryInfo and in the message. @defaultValue 1 (tests should not wait) */
      retryDelaySeconds?: number | undefined;
    }
  | { type: 'daily-quota' }
  | { type: 'internal' }
  | { type: 'overloaded' }
  | { type: 'http-error'; error: FakeHttpError }
  | { type: 'latency'; ms: number }
  | { type: 'connection-reset'; afterChunks?: number | undefined }
  | { type: 'truncated-stream'; afterChunks?: number | undefined }
  | { type: 'stream-error'; afterChunks?: number | undefined; error?: FakeHttpError | undefined }
  | { type: 'malformed-chunk'; afterChunks?: number | undefined }
  | { type: 'malformed-function-call' }
  | { type: 'too-many-tool-calls' }
  | { type: 'safety' }
  | { type: 'blocked-prompt'; blockReason?: BlockReason | undefined }
  | { type: 'empty-candidates' };

/** What a fault rule's predicate sees of a model call. */
export type FakeCallInfo = {
  /** 0-based index of the model call among all model calls the fake received. */
  callIndex: number;
  /** 0-based index among all requests (model calls, countTokens, listModels, ...). */
  requestIndex: number;
  model: string;
  stream: boolean;
  /** The parsed request body. */
  body: unknown;
};

/**
 * When to inject a fault. Without `on` and `probability` the rule matches every call (until
 * `times` is used up).
 *
 * @example
 * ```ts
 * { fault: { type: 'overloaded' }, on: [0, 1] }           // the first two calls fail with 503
 * { fault: { type: 'rate-limit' }, probability: 0.1 }      // 10% of calls, repeatable by seed
 * { fault: { type: 'connection-reset', afterChunks: 2 }, on: ({ stream }) => stream, times: 1 }
 * ```
 */
export type FakeFaultRule = {
  fault: FakeFault;
  /** A call index, a list of them, or a predicate. */
  on?: number | readonly number[] | ((call: FakeCallInfo) => boolean) | undefined;
  /** Chance in [0, 1] that a matching call fails, drawn from the fake's seeded generator. */
  probability?: number | undefined;
  /** At most this many injections. */
  times?: number | undefined;
};

/** A rule with its remaining budget. @internal */
export type ActiveFaultRule = { rule: FakeFaultRule; used: number };

/** The faults chosen for one call: a total extra delay and at most one failure. @internal */
export type FaultSelection = { latencyMs: number; fault: FakeFault | undefined };

/** Picks the faults of a call, in rule order; the first non-latency match wins. @internal */
export function selectFaults(
  rules: readonly ActiveFaultRule[],
  call: FakeCallInfo,
  random: () => number,
): FaultSelection {
  let latencyMs = 0;
  for (const active of rules) {
    const { rule } = active;
    if (rule.times !== undefined && active.used >= rule.times) continue;
    if (!matches(rule.on, call)) continue;
    if (rule.probability !== undefined && random() >= rule.probability) continue;
    active.used++;
    if (rule.fault.type === 'latency') {
      latencyMs += rule.fault.ms;
      continue;
    }
    return { latencyMs, fault: rule.fault };
  }
  return { latencyMs, fault: undefined };
}

function matches(on: FakeFaultRule['on'], call: FakeCallInfo): boolean {
  if (on === undefined) return true;
  if (typeof on === 'number') return on === call.callIndex;
  if (typeof on === 'function') return on(call);
  return on.includes(call.callIndex);
}
