import { ApiCallError } from '../../errors/api-call-error.ts';
import { createApiCallError } from '../../errors/create-api-call-error.ts';
import type { CredentialStyle } from '../../shared/credential-style.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { redactSecrets, toSafeHeaders } from '../../shared/redact-secrets.ts';
import { InvalidFetchResponse } from '../transport/create-fetch-transport.ts';
import { MAX_ERROR_BODY_BYTES, readBodyText } from '../transport/read-body-text.ts';
import type { RequestSignal, Transport, TransportResponse } from '../transport/transport.ts';

/**
 * How long an error body may take to come whole, in milliseconds (as `@gemloop/client` waits for
 * its excerpt). The status already says what failed: a proxy that sends an error status and then
 * nothing would otherwise hold the call for all of `timeoutMs` (2 min by default), end it as a
 * time-out "waiting for the response headers", and lose the status (a 400 then retried, each
 * attempt waiting as long again).
 * @internal
 */
export const ERROR_BODY_TIME_LIMIT_MS = 1000;

/** One HTTP request of an attempt. */
export type SendRequestOptions = {
  /** From `selectTransport`: a promise only while the node transport loads. */
  transport: Transport | Promise<Transport>;
  url: string;
  /** The API method, for errors: `generateContent`, `listModels`, ... */
  method: string;
  httpMethod: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  signal: RequestSignal;
  attempt: number;
  auth: CredentialStyle;
  redact: readonly string[];
};

/**
 * Sends one request and checks its status before anything reads the body: a 2xx response is
 * returned unread; any other status is read (its first 64 KiB, {@link MAX_ERROR_BODY_BYTES}, what
 * comes within {@link ERROR_BODY_TIME_LIMIT_MS}) and thrown as an `ApiCallError` (an error on the
 * stream endpoint is a plain JSON body even under `content-type: text/event-stream`). A redirect
 * is never followed, whichever the transport.
 *
 * Rejections of the transport itself are left to the caller to classify (abort, timeout,
 * network).
 * @internal
 */
export async function sendRequest(options: SendRequestOptions): Promise<TransportResponse> {
  const selected = options.transport;
  const transport = 'send' in selected ? selected : await selected;
  let response: TransportResponse;
  try {
    response = await transport.send({
      url: options.url,
      method: options.httpMethod,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
  } catch (error) {
    if (isRefusedRedirect(error)) throw refusedRedirectError(error, options);
    if (error instanceof InvalidFetchResponse) {
      throw new ApiCallError({
        message: `${options.method} failed: ${error.message}.`,
        url: options.url,
        method: options.method,
        status: error.status,
        isRetryable: false,
        attempt: options.attempt,
      });
    }
    throw error;
  }
  const { status } = response;
  if (status >= 200 && status < 300) return response;
  // The node transport, and a fetch that ignores the redirect mode (a wrapper, a polyfill), hand
  // the 3xx back instead.
  if (isRedirect(response)) throw redirectError(response, options);
  let body: string | undefined;
  let bodyProblem: string | undefined;
  let cause: unknown;
  try {
    const read = await readErrorBody(response);
    body = read.text;
    if (read.late) bodyProblem = `did not arrive within ${ERROR_BODY_TIME_LIMIT_MS} ms`;
  } catch (error) {
    if (options.signal.aborted) throw error;
    // The status alone still makes a useful error; keep why the body is missing.
    cause = error;
    bodyProblem = `could not be read: ${describeThrown(error)}`;
  }
  throw createApiCallError({
    url: options.url,
    method: options.method,
    status,
    body,
    bodyProblem,
    responseHeaders: response.headers,
    attempt: options.attempt,
    auth: options.auth,
    redact: options.redact,
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
function refusedRedirectError(error: unknown, options: SendRequestOptions): ApiCallError {
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

function redirectError(response: TransportResponse, options: SendRequestOptions): ApiCallError {
  const headers = toSafeHeaders(response.headers, options.redact);
  const location = headers?.['location'];
  const target =
    location === undefined || location === ''
      ? 'another URL'
      : redactSecrets(location, options.redact);
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
