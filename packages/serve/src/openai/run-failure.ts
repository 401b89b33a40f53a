import { ApiCallError, ModelCallError, StreamError, TimeoutError } from '@gemloop/core/errors';
import { toBrowserError } from '@gemloop/core/internal';
import { jsonResponse } from './json-response.ts';
import type { OpenAIErrorBody } from './openai-request-error.ts';

/**
 * What a caller is told of a run that failed: the fixed words a page gets for the error's code
 * (`toBrowserError` of `@gemloop/core/web`), never the error's own message, which may quote a
 * tool's failure, a gateway's address or a key (issue 52). The error itself goes to `onError`.
 * @internal
 */
export function runFailure(error: unknown): OpenAIErrorBody {
  const shown = toBrowserError(error, undefined);
  return {
    error: {
      message: shown.message,
      type: 'server_error',
      param: null,
      code: shown.code ?? 'run_failed',
    },
  };
}

/**
 * The 500 of a run that failed, with `x-should-retry: false` unless a retry may end otherwise: only
 * a run that called no tool and failed at a model call for a passing reason (a 429, a 5xx, a
 * network failure, a timeout or a broken stream) is left to the client. The official clients retry a 500 by
 * default (openai-node `shouldRetry` reads this header first, then retries 408, 409, 429 and
 * >= 500; openai-python alike):
 * - after a tool ran, a retry ran the whole run again, its side effects (a refund, an e-mail)
 *   three times in all (attack21); an error that carries no run (a store that failed after the
 *   run, a hook) may come after tools ran too;
 * - a model call the API refused (a 400, 403 or 404: an unknown model, a bad key) fails the same
 *   way every time: two more runs for the same answer (leftovers40).
 * @internal
 */
export function runFailureResponse(error: unknown): Response {
  return jsonResponse(runFailure(error), 500, noRetryUnlessPassing(error));
}

/** `x-should-retry: false`, or nothing when a retry of the request may succeed. @internal */
export function noRetryUnlessPassing(error: unknown): Record<string, string> | undefined {
  return retryMaySucceed(error) ? undefined : { 'x-should-retry': 'false' };
}

/**
 * Whether the failed run called no tool and its model call failed for a reason that passes: the
 * agent's client has its own retries, but a gateway's 503 may be over by the caller's retry.
 */
function retryMaySucceed(error: unknown): boolean {
  if (!ModelCallError.isInstance(error)) return false;
  if (!error.run.steps.every((step) => step.toolCalls.length === 0)) return false;
  const cause = error.cause;
  if (ApiCallError.isInstance(cause)) return cause.isRetryable;
  return TimeoutError.isInstance(cause) || StreamError.isInstance(cause);
}
