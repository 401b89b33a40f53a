import { ApiCallError } from '../../errors/api-call-error.ts';
import { apiCallErrorOf } from '../../errors/api-call-error-of.ts';
import type { CredentialStyle } from '../../shared/credential-style.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { redactSecrets, toSafeHeaders } from '../../shared/redact-secrets.ts';
import { InvalidFetchResponse } from '../transport/create-fetch-transport.ts';
import { MAX_ERROR_BODY_BYTES, readBodyText } from '../transport/read-body-text.ts';
import { redirectTarget } from '../transport/redirect-target.ts';
import { RefusedResponse } from '../transport/refused-response.ts';
import type { RequestSignal, TransportResponse } from '../transport/transport.ts';

/**
 * How long an error body may take to come whole, in milliseconds (as `@gemloop/client` waits for
 * its excerpt). The status already says what failed: a proxy that sends an error status and then
 * nothing would otherwise hold the call for all of `timeoutMs` (2 min by default), end it as a
 * time-out "waiting for the response headers", and lose the status (a 400 then retried, each
 * attempt waiting as long again).
 * @internal
 */
export const ERROR_BODY_TIME_LIMIT_MS = 1000;

/** What an error of one HTTP request of an attempt names (built only when it failed). */
export type SentRequest = {
  url: string;
  /** The API method, for errors: `generateContent`, `listModels`, ... */
  method: string;
  signal: RequestSignal;
  attempt: number;
  auth: CredentialStyle;
  redact: readonly string[];
};

/**
 * What to throw for a rejection of the transport's `send`: a refused redirect, a custom fetch's
 * invalid response, or a response the transport refused at its headers, as a non-retryable
 * `ApiCallError`; anything else as it is, for the attempt to
 * classify (abort, timeout, network).
 *
 * The attempt (`runAttempt` in send-with-retry.ts) calls the transport itself, and this module
 * only once the request failed: no frame of ours lies between the attempt and `send` (issue 53
 * item 8, the request path's depth).
 * @internal
 */
export function sendError(error: unknown, sent: SentRequest): unknown {
  if (isRefusedRedirect(error)) return refusedRedirectError(error, sent);
  if (error instanceof InvalidFetchResponse) {
    return new ApiCallError({
      message: `${sent.method} failed: ${error.message}.`,
      url: sent.url,
      method: sent.method,
      status: error.status,
      isRetryable: false,
      attempt: sent.attempt,
    });
  }
  if (error instanceof RefusedResponse) {
    // The host answered; the same answer would come again.
    return new ApiCallError({
      message: `${sent.method} got a ${error.status} response, but ${error.message}. Not retried.`,
      url: sent.url,
      method: sent.method,
      status: error.status,
      isRetryable: false,
      attempt: sent.attempt,
    });
  }
  return error;
}

/**
 * The error of a response whose status is not 2xx, checked before anything reads the body: its
 * body is read (its first 64 KiB, {@link MAX_ERROR_BODY_BYTES}, what comes within
 * {@link ERROR_BODY_TIME_LIMIT_MS}) into an `ApiCallError` (an error on the stream endpoint is a
 * plain JSON body even under `content-type: text/event-stream`). A redirect is never followed,
 * whichever the transport: the node transport, and a fetch that ignores the redirect mode (a
 * wrapper, a polyfill), hand the 3xx back, and it is refused here.
 * @internal
 */
export async function statusError(
  response: TransportResponse,
  sent: SentRequest,
): Promise<unknown> {
  const { status } = response;
  if (isRedirect(response)) return redirectError(response, sent);
  let body: string | undefined;
  let bodyProblem: string | undefined;
  let cause: unknown;
  try {
    const read = await readErrorBody(response);
    body = read.text;
    if (read.late) bodyProblem = `did not arrive within ${ERROR_BODY_TIME_LIMIT_MS} ms`;
  } catch (error) {
    if (sent.signal.aborted) return error;
    // The status alone still makes a useful error; keep why the body is missing.
    cause = error;
    bodyProblem = `could not be read: ${describeThrown(error)}`;
  }
  return apiCallErrorOf({
    url: sent.url,
    method: sent.method,
    status,
    body,
    bodyProblem,
    responseHeaders: response.headers,
    attempt: sent.attempt,
    auth: sent.auth,
    redact: sent.redact,
    cause,
  });
}

/**
 * An error body's first {@link MAX_ERROR_BODY_BYTES} (a hostile server's 300 MB error page must
 * not be buffered), and only what comes within {@link ERROR_BODY_TIME_LIMIT_MS}: `late` when the
 * rest was not waited for. The rest is cancelled unread.
 */
async function readErrorBody(
  response: TransportResponse,
): Promise<{ text: string; late: boolean }> {
  const reader = response.reader();
  if (reader === undefined) {
    // A custom fetch's Response without a stream: its text is already in memory.
    const read = await readBodyText(response, { maxBytes: MAX_ERROR_BODY_BYTES, onlyPrefix: true });
    return { text: read.text, late: false };
  }
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One deadline for the whole body, not one per read: a byte a second would take minutes.
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ERROR_BODY_TIME_LIMIT_MS);
  });
  try {
    for (;;) {
      const pending = reader.read();
      // Still pending when the deadline wins: the cancel below settles it, maybe as a rejection.
      pending.catch(() => {});
      const read = await Promise.race([pending, late]);
      if (read === 'late') return { text: text + decoder.decode(), late: true };
      if (read.done === true) {
        ended = true;
        return { text: text + decoder.decode(), late: false };
      }
      const room = MAX_ERROR_BODY_BYTES - bytes;
      if (read.value.byteLength >= room) {
        return { text: text + decoder.decode(read.value.subarray(0, room)), late: false };
      }
      bytes += read.value.byteLength;
      text += decoder.decode(read.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    if (!ended) reader.cancel().catch(() => {});
  }
}

/** A 3xx, or the opaque redirect a browser's fetch gives for `redirect: 'manual'` (status 0). */
function isRedirect(response: TransportResponse): boolean {
  return (response.status >= 300 && response.status < 400) || response.isOpaqueRedirect;
}

/**
 * Node's fetch (undici) rejects a redirect under `redirect: 'error'` with TypeError('fetch failed')
 * caused by an Error('unexpected redirect'). Should the text ever change, the rejection is still a
 * network failure and the redirect is still not followed; only this clearer message is lost.
 */
function isRefusedRedirect(error: unknown): boolean {
  const cause = error instanceof TypeError ? error.cause : undefined;
  return cause instanceof Error && cause.message === 'unexpected redirect';
}

/** Node's fetch does not say where the redirect pointed, so the message says how to find out. */
function refusedRedirectError(error: unknown, options: SentRequest): ApiCallError {
  return new ApiCallError({
    message:
      `${options.method} got a redirect (HTTP 3xx). gemloop does not follow redirects, so the API ` +
      'key is never sent to another host: set baseUrl to the address the server redirects to ' +
      `(\`curl -sI ${redactSecrets(options.url, options.redact)}\` shows it; https:// rather than http://, say), or fix the proxy.`,
    url: options.url,
    method: options.method,
    isRetryable: false,
    attempt: options.attempt,
    cause: error,
  });
}

function redirectError(response: TransportResponse, options: SentRequest): ApiCallError {
  const headers = toSafeHeaders(response.headers, options.redact);
  const location = headers?.['location'];
  // Its origin and path only, as every refused redirect is shown (redirect-target.ts): the whole
  // Location put a proxy's `user:password@` and a signed query (`?sig=`) in the message, and so in
  // logs and terminals (attack60b).
  const target =
    location === undefined || location === ''
      ? 'another URL'
      : redactSecrets(redirectTarget(location, options.url), options.redact);
  return new ApiCallError({
    message:
      `${options.method} got a redirect (HTTP ${response.status}) to ${target}. gemloop does not ` +
      'follow redirects, so the API key is never sent to another host: set baseUrl to the address ' +
      'the server redirects to (https:// rather than http://, say), or fix the proxy.',
    url: options.url,
    method: options.method,
    status: response.status,
    responseHeaders: headers,
    isRetryable: false,
    attempt: options.attempt,
  });
}
