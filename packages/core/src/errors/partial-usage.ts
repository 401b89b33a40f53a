import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import { GemloopError } from './gemloop-error.ts';

/**
 * Puts the usage a stream reported before it failed on the error it fails with, as
 * `partialUsage` (`partial: true`): an own field, so `toJSON()`, logs and the agent carry it.
 * Only on a gemloop error (a caller's abort reason is the caller's, left as it is), only when
 * there is usage, and never over one already there (the innermost stream saw the most). Returns
 * `error`.
 * @internal
 */
export function attachPartialUsage<T>(error: T, usage: UsageMetadata | undefined): T {
  if (usage === undefined || !GemloopError.isInstance(error) || error.partialUsage !== undefined) {
    return error;
  }
  Object.defineProperty(error, 'partialUsage', {
    value: { ...usage, partial: true },
    enumerable: true,
    configurable: true,
  });
  return error;
}

/**
 * {@link attachPartialUsage} at a stream's cut: when no chunk had `usageMetadata`, a gateway's
 * snake_case chunks' `usage_metadata` (which the folds' per-chunk read misses) is looked for once,
 * here, in the response `folded` so far, read as camelCase (its code loaded then), handed to
 * `onUsage` (so the run, the span and the recording count it) and put on the error. A camelCase
 * stream pays nothing for it per chunk. Returns `error`.
 * @internal
 */
export async function attachCutUsage<T>(
  error: T,
  usage: UsageMetadata | undefined,
  folded: { response(): GenerateContentResponse },
  onUsage: ((usage: UsageMetadata) => void) | undefined,
): Promise<T> {
  const raw = usage ?? (folded.response() as Record<string, unknown>)['usage_metadata'];
  if (raw !== usage) {
    usage = (await import('../wire/to-camel-case.ts')).camelCaseUsage(raw);
    if (usage !== undefined) onUsage?.(usage);
  }
  return attachPartialUsage(error, usage);
}
