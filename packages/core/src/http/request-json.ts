import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { isLevelEnabled } from '../logging/logger.ts';
import { withRetry } from '../retry/with-retry.ts';
import type { UsageMetadata } from '../wire/response.ts';
import type { CheckContext } from './check-responses.ts';
import { createAttemptSignal } from './create-attempt-signal.ts';
import { logAttempt, logBody, logRetry } from './log-attempt.ts';
import { readBodyText } from './read-body-text.ts';
import { type ReadJsonResponseOptions, readJsonResponse } from './read-json-response.ts';
import { reportRetry } from './report-retry.ts';
import type { ResolvedCallOptions } from './resolve-call-options.ts';
import type { ResolvedClientOptions } from './resolve-client-options.ts';
import { selectTransport } from './select-transport.ts';
import { sendRequest } from './send-request.ts';
import { toAttemptError } from './to-attempt-error.ts';

/** One unary call: `generateContent`, `countTokens`, `listModels`, `getModel`, `caches.*`. */
export type RequestJsonOptions<T> = {
  client: ResolvedClientOptions;
  call: ResolvedCallOptions;
  /** The API method, for logs and errors. */
  method: string;
  /** The model path, for logs. */
  model?: string | undefined;
  url: string;
  httpMethod: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The serialised body (serialised once, before the first attempt). */
  body?: string | undefined;
  /**
   * Checks the parsed 2xx body and returns the result (throwing an `ApiCallError` when it is not
   * what the method returns).
   */
  check: (value: unknown, context: CheckContext) => T;
  /** An empty 2xx body is a success (`caches.delete`; the API answers `{}`, gateways nothing). */
  allowEmptyBody?: boolean | undefined;
  /** Usage to put on the debug line (generateContent). */
  usageOf?: ((value: T) => UsageMetadata | undefined) | undefined;
};

/**
 * Runs a unary call with retries: each attempt has its own time limit (covering the response
 * headers and the body), checks the status, parses and checks the body, and writes one debug line.
 * @internal
 */
export async function requestJson<T>(options: RequestJsonOptions<T>): Promise<T> {
  const { client, call, method, url } = options;
  const { logger } = client;
  const { redact } = call;
  // Checked once per call: with logging off (the default) no log fields are built at all.
  const debug = isLevelEnabled(logger, 'debug');
  const trace = isLevelEnabled(logger, 'trace');
  if (trace && options.body !== undefined) {
    logBody(logger, { method, direction: 'request' }, options.body, redact);
  }

  return withRetry(
    async (attempt) => {
      const started = debug ? performance.now() : 0;
      const attemptSignal = createAttemptSignal({
        signal: call.signal,
        timeoutMs: call.timeoutMs,
        timers: client.timers,
      });
      let status: number | undefined;
      let waitingFor = 'the response headers';
      try {
        const response = await sendRequest({
          transport: selectTransport(client),
          url,
          method,
          httpMethod: options.httpMethod,
          headers:
            client.vertex === undefined
              ? call.headers
              : await client.vertex.authorize(call.headers),
          body: options.body,
          signal: attemptSignal.signal,
          attempt,
          auth: client.auth,
          redact,
        });
        status = response.status;
        call.onResponse?.({ status, headers: response.headers, attempt });
        waitingFor = 'the response body';
        const { text, truncated, bytes } = await readBodyText(response, {
          maxBytes: client.maxResponseBytes,
          onlyPrefix: false,
        });
        if (truncated) {
          throw tooLargeError({
            url,
            method,
            status,
            attempt,
            bytes,
            max: client.maxResponseBytes,
          });
        }
        if (trace) logBody(logger, { method, attempt, direction: 'response' }, text, redact);
        const context: ReadJsonResponseOptions = {
          text,
          status,
          headers: response.headers,
          attempt,
          url,
          method,
          auth: client.auth,
          redact,
        };
        const value = options.check(
          options.allowEmptyBody === true && text.trim() === ''
            ? undefined
            : readJsonResponse(context),
          context,
        );
        if (debug) {
          logAttempt(logger, {
            model: options.model,
            method,
            attempt,
            status,
            latencyMs: performance.now() - started,
            usage: options.usageOf?.(value),
          });
        }
        return value;
      } catch (caught) {
        // A revoked or expired Vertex token: the next call fetches a new one.
        if (client.vertex !== undefined && statusOf(caught) === 401)
          client.vertex.invalidateToken();
        const error = toAttemptError(caught, {
          url,
          method,
          attempt,
          attemptSignal,
          signal: call.signal,
          timeoutMs: call.timeoutMs,
          waitingFor,
          redact,
        });
        if (debug) {
          logAttempt(logger, {
            model: options.model,
            method,
            attempt,
            status: status ?? statusOf(error),
            latencyMs: performance.now() - started,
            error,
          });
        }
        throw error;
      } finally {
        attemptSignal.dispose();
      }
    },
    {
      policy: call.retry,
      signal: call.signal,
      onRetry: (event) => {
        logRetry(logger, {
          method,
          attempt: event.attempt,
          delayMs: event.delayMs,
          isServerDelay: event.isServerDelay,
        });
        reportRetry(call.onRetry, event);
      },
    },
  );
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

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
