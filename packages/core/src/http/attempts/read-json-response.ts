import { ApiCallError } from '../../errors/api-call-error.ts';
import { apiCallErrorOf } from '../../errors/api-call-error-of.ts';
import type { CredentialStyle } from '../../shared/credential-style.ts';
import { cutTextNoted } from '../../shared/cut-text.ts';
import { redactSecrets, toSafeHeaders } from '../../shared/redact-secrets.ts';
import { findCarriedError } from '../../wire/find-carried-error.ts';
import { MAX_ERROR_BODY_BYTES } from '../transport/read-body-text.ts';

/** The context of a 2xx body, for the errors {@link readJsonResponse} may throw. */
export type ReadJsonResponseOptions = {
  text: string;
  url: string;
  method: string;
  status: number;
  /** The response, for its headers (see `CheckContext`). */
  response: { readonly headers: Headers | Readonly<Record<string, string>> };
  attempt: number;
  auth: CredentialStyle;
  redact: readonly string[];
};

/**
 * Parses the body of a 2xx response. A Google error object in a 2xx body (some gateways answer
 * errors with 200) becomes its `ApiCallError`, thrown by the promise returned in place of the
 * value (in the portable build the error's description is imported on the first failure; see
 * `apiCallErrorOf`); a body that is not JSON becomes a non-retryable `ApiCallError` quoting the
 * start of it, thrown here.
 * @internal
 */
export function readJsonResponse(options: ReadJsonResponseOptions): unknown {
  let value: unknown;
  try {
    value = JSON.parse(options.text);
  } catch (cause) {
    throw invalidResponse(options, `returned a ${options.status} body that is not JSON`, cause);
  }
  if (findCarriedError(value) !== undefined) {
    const error = apiCallErrorOf({
      url: options.url,
      method: options.method,
      parsedBody: value,
      body: options.text,
      carriedBy: { kind: 'response', httpStatus: options.status },
      responseHeaders: options.response.headers,
      attempt: options.attempt,
      auth: options.auth,
      redact: options.redact,
    });
    if (!(error instanceof Promise)) throw error;
    return new ErrorBodyRead(error);
  }
  return value;
}

/**
 * What {@link readJsonResponse} returns for an error body whose error is still being built (the
 * portable build's first failure): the caller, which can wait, throws `await error`. Never a
 * parsed JSON value, so a successful body is told apart by one `instanceof`.
 * @internal
 */
export class ErrorBodyRead {
  readonly error: Promise<ApiCallError>;
  constructor(error: Promise<ApiCallError>) {
    this.error = error;
  }
}

/**
 * The error for a 2xx response that is not what the method returns: not retried (the same request
 * gets the same answer), the body kept on `responseBody`.
 * @internal
 */
export function invalidResponse(
  options: Omit<ReadJsonResponseOptions, 'auth'>,
  problem: string,
  cause?: unknown,
): ApiCallError {
  const text = redactSecrets(options.text, options.redact);
  const excerpt = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  return new ApiCallError({
    message:
      `${options.method} ${problem}. Check that the baseUrl points at a Gemini-compatible API. ` +
      `The body starts: ${JSON.stringify(excerpt)}`,
    url: options.url,
    method: options.method,
    status: options.status,
    responseHeaders: toSafeHeaders(options.response.headers, options.redact),
    // Its first 64 Ki characters, as much as an error status's body is read (a wrong 10 MB answer
    // was kept whole, in every log line and span of the error; attack60b).
    responseBody: cutTextNoted(text, MAX_ERROR_BODY_BYTES),
    isRetryable: false,
    attempt: options.attempt,
    cause,
  });
}
