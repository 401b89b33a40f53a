import type { UsageMetadata } from '../wire/response.ts';
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
