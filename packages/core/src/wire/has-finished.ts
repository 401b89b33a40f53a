import type { FinishReason } from './response.ts';

/**
 * Whether a stream chunk's `finishReason` says the candidate finished. Absent is not, and neither
 * is a gateway's `null` nor proto-plus's `0` (the enum's unset value, which it writes on every
 * chunk before the last: see nameEnumNumbers): a stream cut after such chunks is interrupted, not
 * an answer.
 * @internal
 */
export function hasFinished(reason: FinishReason | null | undefined): reason is FinishReason {
  return reason != null && (reason as unknown) !== 0;
}
