import { ResponseTooLargeError } from '../../errors/response-too-large-error.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import type { UsageMetadata } from '../../wire/response.ts';
import { readBodyText } from '../transport/read-body-text.ts';
import type { TransportResponse } from '../transport/transport.ts';
import type { CheckContext } from './check-responses.ts';
import { logBody } from './log-attempt.ts';
import {
  ErrorBodyRead,
  type ReadJsonResponseOptions,
  readJsonResponse,
} from './read-json-response.ts';
import { type Attempt, type SendWithRetryOptions, sendWithRetry } from './send-with-retry.ts';

// For the request path's loader (load-request-path.ts): generateContent calls it with readUnary.
export { sendWithRetry };

/** One unary call: `generateContent`, `countTokens`, `listModels`, `getModel`, `caches.*`. */
export type RequestJsonOptions<T> = Omit<SendWithRetryOptions, 'isRetryable'> & {
  /**
   * Checks the parsed 2xx body and returns the result (throwing an `ApiCallError` when it is not
   * what the method returns). A promise is awaited: the other endpoints' checks load the
   * snake_case renamer for a gateway's answer (read-snake-case.ts).
   */
  check: (value: unknown, context: CheckContext) => T | Promise<T>;
  /** An empty 2xx body is a success (`caches.delete`; the API answers `{}`, gateways nothing). */
  allowEmptyBody?: boolean | undefined;
  /** Usage to put on the debug line (generateContent). */
  usageOf?: ((value: T) => UsageMetadata | undefined) | undefined;
  /**
   * Scrubs what the response body holds that no log may show, before the trace line: a webhook's
   * `new_signing_secret`, which the API returns once, in a 2xx body.
   */
  redactBody?: ((text: string) => string) | undefined;
};

/**
 * Runs a unary call on the shared request path ({@link sendWithRetry}: attempts, retries, time
 * limits, logs): each attempt's time limit covers the response headers and the body, which is
 * read within the size cap, parsed and checked.
 * @internal
 */
export async function requestJson<T>(options: RequestJsonOptions<T>): Promise<T> {
  return endUnary(await sendWithRetry(options, readUnary<T>));
}

/**
 * A unary call's attempt that succeeded, ended (its debug line, its time limit stopped): its
 * value. `generateContent` calls `sendWithRetry(options, readUnary)` and this itself, so that no
 * frame of {@link requestJson} lies between the model call and the transport (issue 53 item 8).
 * @internal
 */
export function endUnary<T>(attempt: Attempt<T, RequestJsonOptions<T>>): T {
  attempt.succeed(attempt.debug ? { usage: attempt.options.usageOf?.(attempt.value) } : undefined);
  return attempt.value;
}

/** Reads and checks the body of a unary call's 2xx response (within its attempt). @internal */
export async function readUnary<T>(
  response: TransportResponse,
  attempt: Attempt<T, RequestJsonOptions<T>>,
): Promise<T> {
  const { options } = attempt;
  const { client, call, url, method } = options;
  const status = response.status;
  attempt.waitingFor = 'the response body';
  let body: Awaited<ReturnType<typeof readBodyText>>;
  try {
    body = await readBodyText(response, { maxBytes: client.maxResponseBytes, onlyPrefix: false });
  } catch (error) {
    // The server answered: a body that does not decode is not a host that could not be reached.
    // Loaded on a failed read only (bytes42); should that load fail (a chunk lost offline), the
    // read's own error is classified as any other (a reset is retried).
    const decode = await import('../../errors/create-decode-error.ts').catch(() => undefined);
    const failure = decode?.findDecodeFailure(error);
    if (decode === undefined || failure === undefined) throw error;
    throw decode.createDecodeError({
      url,
      method,
      status,
      contentEncoding: response.header('content-encoding'),
      failure,
      fetchGiven: client.fetch !== undefined,
      attempt: attempt.number,
      cause: error,
      redact: call.secrets.values,
    });
  }
  const { text, truncated, bytes } = body;
  if (truncated) {
    throw tooLargeError({
      url,
      method,
      status,
      attempt: attempt.number,
      bytes,
      max: client.maxResponseBytes,
    });
  }
  if (isLevelEnabled(client.logger, 'trace')) {
    logBody(
      client.logger,
      { method, attempt: attempt.number, direction: 'response' },
      options.redactBody === undefined ? text : options.redactBody(text),
      call.secrets.values,
    );
  }
  // Plain data: the response rides along and its headers are read only by an error. An object
  // literal with a `get headers()` is a dictionary-mode object in V8, made on every response: the
  // bench's seq5 loop over HTTP spent 8-16 % more CPU per step with it (bench/README.md).
  const context: ReadJsonResponseOptions = {
    text,
    status,
    response,
    attempt: attempt.number,
    url,
    method,
    auth: client.auth,
    redact: call.secrets.values,
  };
  const value =
    options.allowEmptyBody === true && text.trim() === '' ? undefined : readJsonResponse(context);
  if (value instanceof ErrorBodyRead) throw await value.error;
  return options.check(value, context);
}

function tooLargeError(options: {
  url: string;
  method: string;
  status: number;
  attempt: number;
  bytes: number;
  max: number;
}): ResponseTooLargeError {
  return new ResponseTooLargeError({
    message:
      `${options.method} got a ${options.status} response larger than maxResponseBytes ` +
      `(${options.max} bytes; ${options.bytes} read or announced), so reading stopped there. ` +
      'A Gemini answer is far smaller: check the baseUrl, or raise maxResponseBytes in createGemini if the body is genuine. Not retried.',
    url: options.url,
    method: options.method,
    status: options.status,
    maxBytes: options.max,
    receivedBytes: options.bytes,
    attempt: options.attempt,
  });
}
