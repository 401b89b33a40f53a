/**
 * The `ApiCallError` of a failed Gemini response (`createApiCallError`), on Node built at once and
 * in the portable build once its module arrived: the code that writes the message, only an error
 * needs, is a chunk of its own there (`#platform/api-call-error-of`). Callers await the result.
 * @internal
 */
export { apiCallErrorOf } from '#platform/api-call-error-of';
