import { ApiCallError } from '../../errors/api-call-error.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { LoadOnce } from '../../shared/load-once.ts';
import type { apiCallErrorOf as NodeApiCallErrorOf } from '../node/api-call-error-of.ts';

// What writes an API error's message (the Google error body read, the advice for each status:
// 6.8 KB minified of describe-api-error.ts with its helpers) only an error needs: a chunk of its
// own, imported on the first failed response.
const errors = new LoadOnce(() => import('../../errors/api-call/create-api-call-error.ts'));

// The statuses a retry can fix (create-api-call-error.ts's RETRYABLE_STATUSES), for the error
// made when that chunk cannot be loaded.
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The `ApiCallError` of a failed Gemini response: built now once the error module is loaded, else
 * once its import (started here) arrives. Should the import fail (the page lost its network), the
 * error says so and keeps the status, its retryability and the URL; the body, which could
 * hold what the server echoed, is left out.
 * @internal
 */
export const apiCallErrorOf: typeof NodeApiCallErrorOf = (options) => {
  const loaded = errors.value;
  if (loaded !== undefined) return loaded.createApiCallError(options);
  return errors.load().then(
    (module) => module.createApiCallError(options),
    (cause: unknown) =>
      new ApiCallError({
        message: `${options.method} failed${options.status === undefined ? '' : ` with status ${options.status}`}; the error's description could not be loaded (${describeThrown(cause)}).`,
        url: options.url,
        method: options.method,
        status: options.status,
        isRetryable: options.status !== undefined && RETRYABLE.has(options.status),
        attempt: options.attempt,
        cause,
      }),
  );
};
