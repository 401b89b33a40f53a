import { describeThrown } from '../shared/describe-thrown.ts';
import { LoadOnce } from '../shared/load-once.ts';
import type { CreateApiCallErrorOptions } from './api-call/create-api-call-error.ts';
import { ApiCallError } from './api-call-error.ts';
import type { CreateNetworkErrorOptions } from './create-network-error.ts';

// What writes an API error's message (the Google error body read, the advice for each status, the
// retry delays, HTML bodies as text: six modules, 6.8 KB minified) only an error needs: imported
// on the first failed response, on every runtime. A streamed or unary run that succeeds loads none
// of it (on Node each ES module costs the process about 25 KB of RSS; bench/RESULTS.md, "Modules
// the long stream loads"); in a browser bundle it is a chunk of its own. The network failure's
// message (create-network-error.ts, its table of error codes) comes in the same chunk (bytes42).
const errors = new LoadOnce(() => import('./api-call/create-api-call-error.ts'));
type ErrorModule = typeof import('./api-call/create-api-call-error.ts');

// The statuses a retry can fix (create-api-call-error.ts's RETRYABLE_STATUSES), for the error
// made when that module cannot be loaded.
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The `ApiCallError` of a failed Gemini response (`createApiCallError`): built now once the error
 * module is loaded, else once its import (started here) arrives; callers await the result. Should
 * the import fail (a page that lost its network), the error says so and keeps the status, its
 * retryability and the URL; the body, which could hold what the server echoed, is left out.
 * @internal
 */
export function apiCallErrorOf(
  options: CreateApiCallErrorOptions,
): ApiCallError | Promise<ApiCallError> {
  return errorOf(options, (module) => module.createApiCallError(options));
}

/**
 * The `ApiCallError` of a request that got no response (`createNetworkError`), as
 * {@link apiCallErrorOf} makes it: now once the error module is loaded, else once it arrives.
 * @internal
 */
export function networkErrorOf(
  options: CreateNetworkErrorOptions,
): ApiCallError | Promise<ApiCallError> {
  return errorOf(options, (module) => module.createNetworkError(options));
}

/**
 * Loads the error module now, as a client's first failed response would (see
 * `preloadFailurePath`). A failed load is left for that response to report.
 * @internal
 */
export async function preloadApiCallErrors(): Promise<void> {
  await errors.load().catch(() => {});
}

function errorOf(
  options: {
    url: string;
    method: string;
    status?: number | undefined;
    attempt?: number | undefined;
  },
  make: (module: ErrorModule) => ApiCallError,
): ApiCallError | Promise<ApiCallError> {
  const loaded = errors.value;
  if (loaded !== undefined) return make(loaded);
  return errors.load().then(make, (cause: unknown) => unloadedErrorOf(options, cause));
}

/**
 * The `ApiCallError` of a failure whose describing module could not be loaded (`cause`: a chunk
 * that 404s, a page gone offline): the status, its retryability and the URL kept, the body (which
 * could hold what the server echoed) left out, and the message saying why. A redirect still says
 * it was refused and why; a network failure (no status) stays retryable when what fetch threw
 * (`options.cause`) is a transient one.
 * @internal
 */
export function unloadedErrorOf(
  options: {
    url: string;
    method: string;
    status?: number | undefined;
    attempt?: number | undefined;
    cause?: unknown;
  },
  cause: unknown,
): ApiCallError {
  const { method, status } = options;
  return new ApiCallError({
    // Below 400 only a 3xx or a browser's opaque redirect (status 0) comes here.
    message: `${method} ${status === undefined ? 'failed' : status < 400 ? `got a redirect (HTTP ${status}), refused: the API key goes to no other host. Set baseUrl to where it points` : `failed with status ${status}`}; the error's description could not be loaded (${describeThrown(cause)}).`,
    url: options.url,
    method,
    status,
    isRetryable: status === undefined ? isTransient(options.cause) : RETRYABLE.has(status),
    attempt: options.attempt,
    cause,
  });
}

// The codes of get-network-error-code.ts's table of transient failures, which loads with the
// chunk that failed: a few bytes here keep a reset retryable when that chunk cannot load. `ECONN`
// stands for its REFUSED, RESET and ABORTED, `ENET` for UNREACH, DOWN and RESET, `\w+_TIMEOUT` for
// undici's CONNECT, HEADERS and BODY.
const TRANSIENT_CODE =
  /^E(CONN|PIPE|NOTFOUND|AI_AGAIN|TIMEDOUT|HOSTUNREACH|NET)|^UND_ERR_(SOCKET|CLOSED|\w+_TIMEOUT)/;

/**
 * Whether what fetch threw is a failure a retry can fix: the first code along its `cause` chain
 * is a transient one, or, with no cause, it is the TypeError a browser's fetch throws for a lost
 * network ("Failed to fetch", "NetworkError when attempting to fetch resource."). A cause without
 * a code (Node's `bad port`, a refusal) is not retried.
 */
function isTransient(thrown: unknown): boolean {
  try {
    let current = thrown;
    for (let depth = 0; depth < 8 && current instanceof Object; depth++) {
      const { code } = current as { code?: unknown };
      if (typeof code === 'string') return TRANSIENT_CODE.test(code);
      current = (current as { cause?: unknown }).cause;
    }
    return (
      thrown instanceof TypeError && thrown.cause === undefined && /fetch/i.test(thrown.message)
    );
  } catch {
    // A getter that throws names no network failure.
    return false;
  }
}
