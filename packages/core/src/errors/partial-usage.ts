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
 * {@link attachPartialUsage} for a stream's fold at its cut: when no chunk reported
 * `usageMetadata` but some were `folded`, the `usage_metadata` of a gateway's snake_case chunks
 * (which the folds' per-chunk read misses: snake44) is looked for once, here, in the response
 * folded so far, read as camelCase (a chunk loaded then), handed to `onUsage` (the run counts it)
 * and put on the error. A camelCase stream pays nothing for it per chunk. Returns `error`.
 * @internal
 */
export async function attachCutUsage<T>(
  error: T,
  usage: UsageMetadata | undefined,
  folded: { response(): GenerateContentResponse } | undefined,
  onUsage: ((usage: UsageMetadata) => void) | undefined,
): Promise<T> {
  const raw: unknown = usage ?? (folded?.response() as Record<string, unknown>)?.['usage_metadata'];
  if (raw !== usage) {
    // Not a usage after all (`camelCaseUsage` checks it): none, as before.
    usage = (await import('../wire/to-camel-case.ts')).camelCaseUsage(raw);
    if (usage !== undefined) onUsage?.(usage);
  }
  return attachPartialUsage(error, usage);
}
