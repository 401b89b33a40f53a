import type { RetryEvent } from '../../retry/with-retry.ts';

/**
 * Tells the caller's `onRetry` (telemetry, the run recorder) of a retry; what it throws is
 * dropped, so an observer never changes the call.
 * @internal
 */
export function reportRetry(
  onRetry: ((event: RetryEvent) => void) | undefined,
  event: RetryEvent,
): void {
  if (onRetry === undefined) return;
  try {
    onRetry(event);
  } catch {
    // An observer's failure is not the call's.
  }
}
