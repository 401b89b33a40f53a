import type { CredentialStyle } from '../../shared/credential-style.ts';
import { cutTextNoted } from '../../shared/cut-text.ts';
import {
  MIN_KEY_LENGTH,
  redactSecrets,
  toSafeHeaders,
  withoutCutKey,
} from '../../shared/redact-secrets.ts';
import type { GoogleErrorDetail, QuotaFailure } from '../../wire/error-body.ts';
import { ApiCallError } from '../api-call-error.ts';
import { describeApiError } from './describe-api-error.ts';
import { parseGoogleErrorBody, tryParseJson } from './parse-google-error-body.ts';
import { parseDurationMs, parseRetryAfterMs } from './parse-retry-delay.ts';

// Loaded in this module's chunk (api-call-error-of.ts's one `import()`), only once a request
// failed: what a run that succeeds never executes stays out of what the agent app loads (bytes42).
export { createNetworkError } from '../create-network-error.ts';

/**
 * The most characters of a response body an `ApiCallError` keeps (`responseBody`): 64 Ki, as an
 * error status's body is read no further (statusError).
 * @internal
 */
export const MAX_RESPONSE_BODY_CHARS: number = 64 * 1024;

/** HTTP statuses a retry can fix (the official SDKs' list). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** What carried an error object inside a 2xx answer. @internal */
export type ErrorCarrier = {
  kind: 'response' | 'stream';
  httpStatus: number | undefined;
  /**
   * A stream's chunks delivered before the error event. Past 0 the client does not retry (a retry
   * would repeat them), and the message says so.
   */
  chunksDelivered?: number | undefined;
};

/** What {@link createApiCallError} builds an error from. */
export type CreateApiCallErrorOptions = {
  /** The request URL (gemloop never puts the key in it). */
  url: string;
  /** `generateContent`, `streamGenerateContent`, `countTokens`, `listModels`, `getModel`. */
  method: string;
  /** The HTTP status; for an error object inside a 200 stream, its `error.code`. */
  status?: number | undefined;
  /**
   * What carried the error object when it was not an HTTP error status (then `status` is the
   * object's own `code`): a 2xx `response` body (a gateway that answers errors with 200) or an
   * error event in a `stream`, with the HTTP status when known. The message names that status,
   * not the code, as the HTTP status.
   */
  carriedBy?: ErrorCarrier | undefined;
  /** The raw response text, if any. */
  body?: string | undefined;
  /** Why the body is missing or cut (`did not arrive within 1000 ms`); `body` is what came. */
  bodyProblem?: string | undefined;
  /** Already-parsed JSON, when the caller has it (then `body` may be omitted). */
  parsedBody?: unknown;
  responseHeaders?: Headers | Record<string, string> | undefined;
  /** Which attempt (1-based) failed. */
  attempt?: number | undefined;
  /** Which auth header was sent, for the bad-key message (never the key). */
  auth?: CredentialStyle | undefined;
  cause?: unknown;
  /** Clock for `Retry-After` HTTP dates. @defaultValue `Date.now` */
  now?: (() => number) | undefined;
  /**
   * Secrets to scrub from the body, headers and message should a gateway echo them (the client
   * passes its API key). Defence in depth: Google never echoes the key.
   */
  redact?: readonly string[] | undefined;
};

/**
 * Turns a failed Gemini response (an HTTP error status, or an error object inside a stream) into an
 * {@link ApiCallError}: parses the Google error body (plain, array-wrapped, or not JSON at all),
 * fills every field (`googleStatus`, `apiMessage`, `details`, `isRetryable`, `retryDelayMs`,
 * `isDailyQuota`) and writes a message that says what to do.
 * @internal
 */
export function createApiCallError(options: CreateApiCallErrorOptions): ApiCallError {
  const redact = options.redact?.filter((secret) => secret.length >= MIN_KEY_LENGTH) ?? [];
  let body = options.body;
  let parsedBody = options.parsedBody;
  if (redact.length > 0) {
    // A key the body's cut went through too (statusError reads 64 KiB of it): its first
    // characters are no whole key, and redactSecrets left them on responseBody (attack60b).
    if (body !== undefined) body = withoutCutKey(redactSecrets(body, redact), redact);
    if (parsedBody !== undefined) parsedBody = redactParsed(parsedBody, body, redact);
  }
  if (parsedBody === undefined && body !== undefined) parsedBody = tryParseJson(body);
  if (body === undefined && parsedBody !== undefined) body = stringifyOrUndefined(parsedBody);

  const parsed = parseGoogleErrorBody(parsedBody);
  // An error object a 2xx answer carried with a status name and no code (a gateway's
  // `{"error":{"status":"UNAVAILABLE"}}`) means that name's HTTP status: read as no status, it was
  // not retried, and a RESOURCE_EXHAUSTED got no quota advice (attack60b).
  const named =
    options.status === undefined && parsed.code === undefined && options.carriedBy !== undefined
      ? httpStatusOfName(parsed.googleStatus)
      : undefined;
  const status = options.status ?? parsed.code ?? named;
  const responseHeaders = toSafeHeaders(options.responseHeaders, redact);
  const dailyQuotaId = findDailyQuota(parsed.details);
  const isDailyQuota = status === 429 && dailyQuotaId !== undefined;
  const retryDelayMs =
    parseDurationMs(findRetryDelay(parsed.details)) ??
    parseRetryAfterMs({
      retryAfter: responseHeaders?.['retry-after'],
      retryAfterMs: responseHeaders?.['retry-after-ms'],
      now: options.now ?? Date.now,
    });
  const isRetryable = status !== undefined && RETRYABLE_STATUSES.has(status) && !isDailyQuota;
  // The client retries a stream only before its first chunk (a retry would repeat the chunks):
  // after one, a transient error is thrown as it is and the message says why. It stays
  // `isRetryable`, the failure's nature: sending the call again may succeed, and a caller that
  // can (a durable run re-running its model step after the server's delay) does.
  const delivered = options.carriedBy?.chunksDelivered ?? 0;

  const message = describeApiError({
    method: options.method,
    status,
    carriedBy: options.carriedBy,
    codeFromName: named !== undefined,
    googleStatus: parsed.googleStatus,
    apiMessage: parsed.apiMessage,
    details: parsed.details,
    body,
    contentType: responseHeaders?.['content-type'],
    bodyProblem: options.bodyProblem,
    isRetryable,
    notRetriedAfterChunks: isRetryable && delivered > 0 ? delivered : undefined,
    isDailyQuota,
    dailyQuotaId: dailyQuotaId === '' ? undefined : dailyQuotaId,
    retryDelayMs,
    attempt: options.attempt,
    auth: options.auth,
  });

  return new ApiCallError({
    message: redact.length > 0 ? redactSecrets(message, redact) : message,
    url: options.url,
    method: options.method,
    status,
    googleStatus: parsed.googleStatus,
    apiMessage: parsed.apiMessage,
    details: parsed.details,
    responseHeaders,
    // Bounded: an error object a 200 body or stream carried came with the whole body (up to
    // maxResponseBytes, 64 MiB), which every log line and span of the error then held (attack60b).
    responseBody: body === undefined ? undefined : cutTextNoted(body, MAX_RESPONSE_BODY_CHARS),
    isRetryable,
    retryDelayMs,
    isDailyQuota,
    attempt: options.attempt,
    cause: options.cause,
  });
}

/**
 * `parsed` with the secrets scrubbed from its strings: through its JSON text, read back only when
 * a secret was in it. A value nested deeper than `JSON.stringify` can recurse (a few thousand
 * levels on Node's default stack, where `JSON.parse` takes any depth: 60 KB of a gateway's
 * `[[[...]]]`) is read again from the scrubbed `body` instead; that RangeError came out of here,
 * and the attempt took it for a network failure: "could not reach <host>... check the baseUrl"
 * (attack60b).
 */
function redactParsed(
  parsed: unknown,
  body: string | undefined,
  redact: readonly string[],
): unknown {
  const text = stringifyOrUndefined(parsed);
  if (text === undefined) return body === undefined ? undefined : tryParseJson(body);
  const clean = redactSecrets(text, redact);
  return clean === text ? parsed : JSON.parse(clean);
}

/** `JSON.stringify(value)`, or `undefined` when it throws (too deep, a BigInt: never from JSON). */
function stringifyOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * The HTTP status of a `google.rpc.Code` name (the mapping in googleapis' `google/rpc/code.proto`),
 * or `undefined` for another name.
 */
function httpStatusOfName(name: string | undefined): number | undefined {
  return name === undefined ? undefined : HTTP_STATUS_OF_NAME.get(name);
}

const HTTP_STATUS_OF_NAME: ReadonlyMap<string, number> = new Map([
  ['CANCELLED', 499],
  ['UNKNOWN', 500],
  ['INVALID_ARGUMENT', 400],
  ['DEADLINE_EXCEEDED', 504],
  ['NOT_FOUND', 404],
  ['ALREADY_EXISTS', 409],
  ['PERMISSION_DENIED', 403],
  ['UNAUTHENTICATED', 401],
  ['RESOURCE_EXHAUSTED', 429],
  ['FAILED_PRECONDITION', 400],
  ['ABORTED', 409],
  ['OUT_OF_RANGE', 400],
  ['UNIMPLEMENTED', 501],
  ['INTERNAL', 500],
  ['UNAVAILABLE', 503],
  ['DATA_LOSS', 500],
]);

function findRetryDelay(details: GoogleErrorDetail[]): unknown {
  for (const detail of details) {
    const type = detail['@type'];
    if (typeof type === 'string' && type.endsWith('google.rpc.RetryInfo')) {
      return (detail as { retryDelay?: unknown }).retryDelay;
    }
  }
  return undefined;
}

/**
 * The quota id (or metric) of a per-day quota violation, e.g.
 * `GenerateRequestsPerDayPerProjectPerModel-FreeTier`; `''` when a per-day violation names neither.
 * Such a 429 will not recover before the daily reset, whatever `retryDelay` says.
 */
function findDailyQuota(details: GoogleErrorDetail[]): string | undefined {
  for (const detail of details) {
    const type = detail['@type'];
    if (typeof type !== 'string' || !type.endsWith('google.rpc.QuotaFailure')) continue;
    const violations = (detail as QuotaFailure).violations;
    if (!Array.isArray(violations)) continue;
    for (const violation of violations) {
      const { quotaId, quotaMetric } = violation;
      if (typeof quotaId === 'string' && PER_DAY.test(quotaId)) return quotaId;
      if (typeof quotaMetric === 'string' && PER_DAY.test(quotaMetric)) {
        return typeof quotaId === 'string' ? quotaId : quotaMetric;
      }
    }
  }
  return undefined;
}

// `...PerDayPerProjectPerModel...` in quota ids, `..._per_day` or `...per-day` in metric names.
const PER_DAY = /per[_-]?day/i;
