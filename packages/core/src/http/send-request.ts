import { ApiCallError } from '../errors/api-call-error.ts';
import { createApiCallError } from '../errors/create-api-call-error.ts';
import { describeThrown } from '../errors/describe-thrown.ts';
import { redactSecrets, toSafeHeaders } from '../errors/redact-secrets.ts';
import type { CredentialStyle } from './gemini.ts';
import { MAX_ERROR_BODY_BYTES, readBodyText } from './read-body-text.ts';
import { REDIRECT_MODE } from './redirect-mode.ts';

/** One HTTP request of an attempt. */
export type SendRequestOptions = {
  fetch: typeof globalThis.fetch | undefined;
  url: string;
  /** The API method, for errors: `generateContent`, `listModels`, ... */
  method: string;
  httpMethod: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
  attempt: number;
  auth: CredentialStyle;
  redact: readonly string[];
};

/**
 * Sends one request and checks its status before anything reads the body: a 2xx response is
 * returned unread; any other status is read (its first 64 KiB, {@link MAX_ERROR_BODY_BYTES}) and
 * thrown as an `ApiCallError` (an error on the
 * stream endpoint is a plain JSON body even under `content-type: text/event-stream`).
 *
 * `fetch` is looked up at call time, so a spy installed after `createGemini` still applies.
 * Rejections of `fetch` itself are left to the caller to classify (abort, timeout, network).
 * @internal
 */
export async function sendRequest(options: SendRequestOptions): Promise<Response> {
  const fetch = options.fetch ?? globalThis.fetch;
  const init: RequestInit = {
    method: options.httpMethod,
    headers: options.headers,
    signal: options.signal,
    // fetch strips Authorization on a cross-origin redirect but not x-goog-api-key: following one
    // would hand the key to whatever host the Location names. The API never redirects. 'error'
    // rather than 'manual': Node's fetch clones every request (and tees its body) unless the mode
    // is 'error', which cost 45 to 90 us per request over loopback (measured on Node 20.20).
    // Cloudflare Workers reject 'error': 'manual' there (REDIRECT_MODE), refused below.
    redirect: REDIRECT_MODE,
  };
  if (options.body !== undefined) init.body = options.body;
  let response: unknown;
  try {
    response = await fetch(options.url, init);
  } catch (error) {
    if (isRefusedRedirect(error)) throw refusedRedirectError(error, options);
    throw error;
  }
  checkResponse(response, options);
  if (response.ok) return response;
  // A fetch that ignores the redirect mode (a wrapper, a polyfill) hands the 3xx back instead.
  if (isRedirect(response)) throw redirectError(response, options);
  let body: string | undefined;
  let cause: unknown;
  try {
    // Only a prefix: a hostile server's 300 MB error page must not be buffered (the rest is
    // cancelled unread).
    body = (await readBodyText(response, { maxBytes: MAX_ERROR_BODY_BYTES, onlyPrefix: true }))
      .text;
  } catch (error) {
    if (options.signal.aborted) throw error;
    // The status alone still makes a useful error; keep why the body is missing.
    cause = error;
  }
  throw createApiCallError({
    url: options.url,
    method: options.method,
    status: response.status,
    body,
    responseHeaders: response.headers,
    attempt: options.attempt,
    auth: options.auth,
    redact: options.redact,
    cause,
  });
}

/**
 * A custom `fetch` (a polyfill, a test double, a wrapper) must resolve to a Response with an
 * unread body; anything else fails here with a message naming the `fetch` option, instead of as a
 * TypeError deep in the body reading, reported as a network failure.
 */
function checkResponse(
  response: unknown,
  options: SendRequestOptions,
): asserts response is Response {
  const candidate = response as Partial<Response> | null | undefined;
  const isResponse =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'number' &&
    typeof candidate.ok === 'boolean' &&
    typeof candidate.text === 'function' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null;
  let problem: string | undefined;
  if (!isResponse) {
    const got =
      typeof response === 'object' && response !== null
        ? 'an object that is not a Response'
        : describeThrown(response);
    problem = `the fetch function resolved to ${got}, not a Response. Pass a fetch with the signature of globalThis.fetch (or leave the fetch option out)`;
  } else if (candidate.bodyUsed === true || candidate.body?.locked === true) {
    problem =
      'the fetch function returned a Response whose body was already read or locked. Return a new Response for every call';
  }
  if (problem === undefined) return;
  throw new ApiCallError({
    message: `${options.method} failed: ${problem}.`,
    url: options.url,
    method: options.method,
    status: isResponse ? candidate.status : undefined,
    isRetryable: false,
    attempt: options.attempt,
  });
}

/** A 3xx, or the opaque redirect a browser's fetch gives for `redirect: 'manual'` (status 0). */
function isRedirect(response: Response): boolean {
  return (response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect';
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

function redirectError(response: Response, options: SendRequestOptions): ApiCallError {
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
