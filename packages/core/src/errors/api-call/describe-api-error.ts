import type { CredentialStyle } from '../../shared/credential-style.ts';
import { htmlToText } from '../../shared/html-to-text.ts';
import { redactLocalDetails } from '../../shared/redact-secrets.ts';
import type {
  BadRequest,
  ErrorInfo,
  GoogleErrorDetail,
  QuotaFailure,
} from '../../wire/error-body.ts';
import { formatDelay } from './format-delay.ts';

/** What {@link describeApiError} needs to write an error message. */
export type DescribeApiErrorOptions = {
  method: string;
  status: number | undefined;
  /** What carried the error object, when a 2xx answer did (then `status` is its `code`). */
  carriedBy?: { kind: 'response' | 'stream'; httpStatus: number | undefined } | undefined;
  /**
   * The carried error object had no code: `status` is the HTTP status its `googleStatus` name
   * means, and the message says it had no code.
   */
  codeFromName?: boolean | undefined;
  googleStatus: string | undefined;
  apiMessage: string | undefined;
  details: GoogleErrorDetail[];
  /** The raw body, used for an excerpt when it is not a Google error. */
  body: string | undefined;
  contentType: string | undefined;
  /**
   * Why the body is missing or cut, ending "the response body ..." (`did not arrive within
   * 1000 ms`, `could not be read: ...`); `body` holds what came. The message says so rather than
   * calling the body empty.
   */
  bodyProblem?: string | undefined;
  isRetryable: boolean;
  /**
   * Set for a transient error event that came after this many chunks of a stream: the client did
   * not retry it, and the message says why.
   */
  notRetriedAfterChunks?: number | undefined;
  isDailyQuota: boolean;
  dailyQuotaId: string | undefined;
  retryDelayMs: number | undefined;
  attempt: number | undefined;
  auth: CredentialStyle | undefined;
};

const AUTH_HEADER_NAMES: Record<CredentialStyle, string> = {
  'vertex-oauth': 'Authorization: Bearer header (OAuth access token)',
  'x-goog-api-key': 'x-goog-api-key header',
  bearer: 'Authorization: Bearer header',
};

const EXCERPT_LENGTH = 200;

/**
 * The `ErrorInfo.domain` of errors the fake Gemini server (`@gemloop/testing`) raises about
 * itself (its script ran out or threw), rather than in imitation of Google. Such an error gets no
 * advice about Google keys, billing or regions, which would send the reader to the wrong place.
 * @internal
 */
export const FAKE_GEMINI_ERROR_DOMAIN = 'fake-gemini.gemloop';

// The most of the server's own message quoted in an error message.
const MAX_QUOTED = 2_000;

/**
 * Writes the message of an HTTP {@link ApiCallError}: what failed, the server's own words, and what
 * to do about it. Never includes a key or a request header value (it is given none).
 * @internal
 */
export function describeApiError(options: DescribeApiErrorOptions): string {
  const { apiMessage } = options;
  const head = describeHead(options);
  const violations = findDetail<BadRequest>(options.details, 'BadRequest')?.fieldViolations ?? [];
  let quoted = apiMessage;
  if (quoted !== undefined && violations.length > 0 && coversMessage(violations, quoted)) {
    // The message only repeats the violations listed below; quoting it twice helps nobody.
    quoted = undefined;
  }
  if (quoted === undefined && apiMessage === undefined) quoted = describeRawBody(options);
  // The server's words reach the run's error and spans: a gateway's own URLs, addresses and
  // credentials out of them (attack29). The whole text stays on error.apiMessage.
  if (quoted !== undefined) quoted = redactLocalDetails(quoted);
  if (quoted !== undefined && quoted.length > MAX_QUOTED) {
    // A gateway may put a whole page or a stack trace in `error.message`: a message is one glance.
    quoted = `${cutWhole(quoted, MAX_QUOTED)}... (cut; the whole text is on error.apiMessage)`;
  }
  const parts = [quoted === undefined ? `${head}.` : `${head}: ${endSentence(quoted.trim())}`];
  parts.push(guidance(options, violations));
  if (options.attempt !== undefined && options.attempt > 1) {
    parts.push(
      `Failed after ${options.attempt} attempts (retried ${options.attempt - 1} ${options.attempt === 2 ? 'time' : 'times'}).`,
    );
  }
  return parts.filter((part) => part !== '').join(' ');
}

/**
 * `generateContent failed with HTTP 503 UNAVAILABLE`; for an error object a 2xx answer carried,
 * the HTTP status it came with, and the object's own code as that (a gateway's 200 error body is
 * not an HTTP 400).
 */
function describeHead({
  method,
  status,
  googleStatus,
  carriedBy,
  codeFromName,
}: DescribeApiErrorOptions): string {
  const name = googleStatus ? ` ${googleStatus}` : '';
  if (carriedBy === undefined)
    return `${method} failed with HTTP ${status ?? '(no status)'}${name}`;
  const http = carriedBy.httpStatus === undefined ? '' : `HTTP ${carriedBy.httpStatus} `;
  const what =
    carriedBy.kind === 'stream' ? 'stream carried an error event' : 'response carried an error';
  const code =
    status === undefined || codeFromName === true ? ' with no code' : ` with code ${status}`;
  return `${method} failed: the ${http}${what}${code}${name}`;
}

function guidance(
  options: DescribeApiErrorOptions,
  violations: NonNullable<BadRequest['fieldViolations']>,
): string {
  const { status, googleStatus, details } = options;
  const errorInfo = findDetail<ErrorInfo>(details, 'ErrorInfo');
  if (errorInfo?.domain === FAKE_GEMINI_ERROR_DOMAIN) {
    return (
      "This error comes from gemloop's fake Gemini server (@gemloop/testing), not from " +
      "Google: fix the test's script. Not retried."
    );
  }
  // Before the bad-key advice: the API answers an expired or deleted cache with a 403.
  if (isCacheGone(options)) return CACHE_GONE_GUIDANCE;
  const reason = errorInfo?.reason;
  if (
    status === 401 ||
    status === 403 ||
    googleStatus === 'UNAUTHENTICATED' ||
    (reason !== undefined && /^API_KEY_/.test(reason))
  ) {
    return badKeyGuidance(options.auth, status === 403 || googleStatus === 'PERMISSION_DENIED');
  }
  if (options.notRetriedAfterChunks !== undefined) return afterChunksGuidance(options);
  if (status === 404) return notFoundGuidance(options.method);
  if (status === 429) return quotaGuidance(options);
  if (violations.length > 0) {
    const lines = violations.map(
      (violation) => `\n  - ${violation.field ?? '(request)'}: ${violation.description ?? ''}`,
    );
    return `Fix these request fields (retrying will not help):${lines.join('')}`;
  }
  if (status === 400 || status === 422) {
    if (googleStatus === 'FAILED_PRECONDITION') {
      return (
        'The project cannot use this API as configured: the free tier may be unavailable in your ' +
        'region, or billing must be enabled. Not retried.'
      );
    }
    if (options.apiMessage !== undefined && /thought[_ ]signature/i.test(options.apiMessage)) {
      return (
        "Send each of the model's Content turns back verbatim, including the parts' " +
        'thoughtSignature fields. Not retried.'
      );
    }
    return 'The request was rejected; fix it (retrying will not help).';
  }
  return serverGuidance(options);
}

/** What a request naming a cache that is gone is told. */
const CACHE_GONE_GUIDANCE =
  'The cache expired or was deleted (the API answers alike for a name that never existed or ' +
  'belongs to another project): create it again with gemini.caches.create and send its new ' +
  "name, or send the request without cachedContent (an agent's cache option does this " +
  'itself). Behind a gateway, a 404 may also mean it does not serve cachedContents. Not retried.';

/** The caches methods that name one cache: a 404 there is that cache. */
const ONE_CACHE_METHODS: ReadonlySet<string> = new Set([
  'caches.get',
  'caches.update',
  'caches.delete',
]);

/**
 * Whether the error says a cache is gone: Google's `403 PERMISSION_DENIED "CachedContent not found
 * (or permission denied)"` for an expired or deleted cache (some gateways a 404), on any method
 * that named one, or any 404 of a method that names one cache. Its wording was the bad-key
 * advice, which sent the reader to check a key that works.
 */
function isCacheGone({ status, apiMessage, method }: DescribeApiErrorOptions): boolean {
  if (status !== 403 && status !== 404) return false;
  if (apiMessage !== undefined && /cached ?content\b.*\bnot found/i.test(apiMessage)) return true;
  return status === 404 && ONE_CACHE_METHODS.has(method);
}

function afterChunksGuidance(options: DescribeApiErrorOptions): string {
  const count = options.notRetriedAfterChunks ?? 0;
  const wait =
    options.retryDelayMs === undefined
      ? ''
      : ` (the server asked to wait ${formatDelay(options.retryDelayMs)})`;
  return (
    `The failure is transient, but it came after the stream had delivered ${count} ` +
    `${count === 1 ? 'chunk' : 'chunks'}, so it was not retried: a retry would send the answer ` +
    `again from its start (the chunks received stay valid). Send the request again${wait} for a ` +
    'whole answer.'
  );
}

function badKeyGuidance(auth: CredentialStyle | undefined, isPermission: boolean): string {
  if (auth === 'vertex-oauth') return vertexAuthGuidance(isPermission);
  const sent =
    auth === undefined
      ? 'The API key was rejected.'
      : `The API key sent in the ${AUTH_HEADER_NAMES[auth]} was rejected.`;
  const why = isPermission
    ? ' (403 can also mean the key is valid but its project may not use this model or API.)'
    : '';
  const where =
    ' Check the key: Google keys come from https://aistudio.google.com/apikey and go with the ' +
    "default baseUrl; a gateway such as CometAPI needs its own key and its baseUrl ('https://api.cometapi.com').";
  const switchTo =
    auth === 'bearer'
      ? " If the endpoint expects the x-goog-api-key header (Google does), use createGemini({ auth: 'x-goog-api-key' })."
      : auth === 'x-goog-api-key'
        ? " If the endpoint expects Authorization: Bearer, use createGemini({ auth: 'bearer' })."
        : " Choose the header with createGemini({ auth: 'x-goog-api-key' }) or createGemini({ auth: 'bearer' }).";
  return `${sent}${why}${where}${switchTo} Not retried.`;
}

function vertexAuthGuidance(isPermission: boolean): string {
  return isPermission
    ? 'The Vertex AI access token was accepted but may not call this model: give the principal the ' +
        'Vertex AI User role (roles/aiplatform.user) on the project, enable the Vertex AI API ' +
        '(aiplatform.googleapis.com), and check vertex.project and vertex.location. Not retried.'
    : 'The Vertex AI access token was rejected (expired, revoked, or not an OAuth access token with ' +
        'the cloud-platform scope); the next call fetches a new one. Check Application Default ' +
        'Credentials (`gcloud auth application-default login`) or vertex.getAccessToken. Not retried.';
}

function quotaGuidance(options: DescribeApiErrorOptions): string {
  if (options.isDailyQuota) {
    return (
      `Daily quota spent${options.dailyQuotaId ? ` (${options.dailyQuotaId})` : ''}: it resets ` +
      'daily (at midnight Pacific time) and will not recover with retries, so none were made. ' +
      'Wait for the reset, use a key of another project, or raise the quota by enabling billing.'
    );
  }
  const quotaId = findDetail<QuotaFailure>(options.details, 'QuotaFailure')?.violations?.find(
    (violation) => violation.quotaId !== undefined,
  )?.quotaId;
  const delay =
    options.retryDelayMs === undefined
      ? ''
      : ` The server asked to wait ${formatDelay(options.retryDelayMs)}.`;
  return `Rate limit hit${quotaId ? ` (${quotaId})` : ''}; this is retryable.${delay}`;
}

function serverGuidance(options: DescribeApiErrorOptions): string {
  if (!options.isRetryable) return 'Not retryable.';
  switch (options.status) {
    case 500:
      return (
        'Internal server error; this is retryable. If it keeps failing, the input may be too ' +
        'long for the model: shorten the context or switch models.'
      );
    case 503:
      return (
        'The service is unavailable or the model is overloaded; this is retryable. If it ' +
        'persists, try again later or use another model.'
      );
    case 504:
      return (
        'The server ran out of time; this is retryable. A long request may need a larger ' +
        'timeoutMs or a shorter input.'
      );
    default:
      return 'This is retryable.';
  }
}

function describeRawBody({
  body,
  contentType,
  bodyProblem,
}: DescribeApiErrorOptions): string | undefined {
  if (body === undefined || body.trim() === '') {
    return `the response body ${bodyProblem ?? 'was empty'}`;
  }
  // A single linear pass over a bounded prefix: the body is the server's, possibly hostile.
  const text = htmlToText(body, EXCERPT_LENGTH);
  const excerpt = text.length > EXCERPT_LENGTH ? `${cutWhole(text, EXCERPT_LENGTH)}...` : text;
  const kind = contentType ? contentType.split(';')[0] : 'unknown type';
  const rest = bodyProblem === undefined ? '' : ` (the rest of the body ${bodyProblem})`;
  return `the response is not a Gemini error body (${kind}), perhaps from a proxy or gateway: "${excerpt}"${rest}`;
}

function endSentence(text: string): string {
  return /[.!?:]$/.test(text) ? text : `${text}.`;
}

function coversMessage(
  violations: NonNullable<BadRequest['fieldViolations']>,
  message: string,
): boolean {
  return violations.every(
    (violation) => violation.description !== undefined && message.includes(violation.description),
  );
}

function findDetail<T extends GoogleErrorDetail>(
  details: GoogleErrorDetail[],
  type: string,
): T | undefined {
  const suffix = `google.rpc.${type}`;
  return details.find(
    (detail) => typeof detail['@type'] === 'string' && detail['@type'].endsWith(suffix),
  ) as T | undefined;
}

/** A call that names a stored resource by its id (not a model): a get, cancel, delete, resume. */
const RESOURCE_CALL = /^(interactions|files|batches|caches)\.(?!create$|stream$|list|upload$)/;

/** What a 404 says to check: the model a model call names, or the resource an id names. */
function notFoundGuidance(method: string): string {
  const resource = RESOURCE_CALL.exec(method)?.[1];
  if (resource !== undefined) {
    return `The ${resource === 'batches' ? 'batch' : resource.slice(0, -1)} this id names does not exist for this key: deleted, expired (past the API's retention), or made with another key or project. Not retried.`;
  }
  const model =
    'Check the model name (for example gemini-2.5-flash or models/gemini-2.5-flash) and the ' +
    'apiVersion; list the models your key can use with gemini.listModels().';
  if (method === 'interactions.create' || method === 'interactions.stream') {
    return `${model} A previous_interaction_id must name an interaction the server still holds (not deleted, nor expired). Not retried.`;
  }
  return `${model} Not retried.`;
}

/**
 * The first `max` UTF-16 units of `text`, one fewer when the cut would split an emoji: a lone
 * surrogate in a message is refused by a strict JSON or UTF-8 reader (a page, a span exporter).
 * `shared/cut-text.ts` does the same; it is not imported here because this module is loaded lazily
 * and the import made the agent app's bundle load a chunk of its own for it (bench/README.md).
 */
function cutWhole(text: string, max: number): string {
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last < 0xdc00 ? max - 1 : max);
}
