import {
  type CreateApiCallErrorOptions,
  createApiCallError,
} from '../../errors/api-call/create-api-call-error.ts';
import type { ApiCallError } from '../../errors/api-call-error.ts';

/**
 * The `ApiCallError` of a failed Gemini response, built now: on Node the error's description
 * (`describe-api-error.ts`, what the message says to do) is imported with the module, as ever.
 * The web half imports it on the first failure instead (see there).
 * @internal
 */
export function apiCallErrorOf(
  options: CreateApiCallErrorOptions,
): ApiCallError | Promise<ApiCallError> {
  return createApiCallError(options);
}
