import type { RetryPolicy } from './retry-policy.ts';

/**
 * The backoff before retry number `retry` (1-based): `initialDelayMs * factor^(retry-1)`, capped at
 * `maxDelayMs`; with jitter, a uniform pick between half and one and a half times that value (still
 * capped), so many clients hitting the same 503 do not retry in lockstep. In a file of its own,
 * beside nothing the client loads at once: only a retry needs it (with-retry.ts, loaded on a
 * call's first failure), so an agent app's browser bundle does not carry it to run (issue 53).
 * @internal
 */
export function computeBackoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  // `|| 0`: with initialDelayMs 0 the growth overflows to Infinity after ~1,000 retries, and
  // 0 * Infinity is NaN, a delay reported to onRetry as NaN.
  const nominal =
    Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (retry - 1)) || 0;
  if (!policy.jitter) return Math.round(nominal);
  return Math.round(Math.min(policy.maxDelayMs, nominal * (0.5 + random())));
}
