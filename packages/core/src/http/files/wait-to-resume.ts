import type { ApiCallError } from '../../errors/api-call-error.ts';
import { computeBackoffDelay } from '../../retry/compute-backoff-delay.ts';
import { sleep } from '../../retry/sleep.ts';
import { reportRetry } from '../attempts/report-retry.ts';
import type { ResolvedCallOptions } from '../options/resolve-call-options.ts';

/**
 * Waits before an upload's chunk is sent again after `error` (the chunk's `retry`-th resend,
 * 1-based), as the retry policy waits before any call's retry: the server's delay (RetryInfo,
 * `Retry-After`) when it gave one, else the policy's backoff, told to `onRetry`. A server delay
 * past `retry.maxServerDelayMs` is not waited: `error` is thrown, as a call throws it. The chunk
 * loop resent at once, whatever the server asked (attack62b).
 * @throws the caller's abort reason when the signal aborts during the wait.
 * @internal
 */
export async function waitToResume(
  error: ApiCallError,
  retry: number,
  call: ResolvedCallOptions,
): Promise<void> {
  const policy = call.retry;
  const serverDelay = error.retryDelayMs;
  if (serverDelay !== undefined && serverDelay > policy.maxServerDelayMs) throw error;
  const delayMs = serverDelay ?? computeBackoffDelay(policy, retry);
  reportRetry(call.onRetry, {
    error,
    attempt: retry,
    delayMs,
    isServerDelay: serverDelay !== undefined,
  });
  await sleep(delayMs, call.signal);
}
