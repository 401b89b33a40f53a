import { cutTextNoted } from '../shared/cut-text.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { redactSecrets, toSafeHeaders } from '../shared/redact-secrets.ts';
import { ApiCallError } from './api-call-error.ts';
import {
  findClientRefusal,
  getNetworkErrorCode,
  isTransientNetworkError,
  isUnreadableAnswer,
  transientNetworkErrors,
} from './get-network-error-code.ts';

/** What {@link createNetworkError} builds an error from. */
export type CreateNetworkErrorOptions = {
  url: string;
  method: string;
  /** What `fetch` rejected with (Node: `TypeError('fetch failed')` with `cause.code`). */
  cause: unknown;
  attempt?: number | undefined;
  /** Secrets to scrub from the message should the cause's text carry one. */
  redact?: readonly string[] | undefined;
  /** Whether the client was given a `fetch` option (only then does the message name it). */
  fetchGiven?: boolean | undefined;
  /**
   * The status of the response when the failure came after its headers (reading its body): the
   * host answered, and the message says so. Set as the error's `status` (a 2xx, never an error
   * status: the call failed reading what the server answered), so that a caller tells an
   * answered-then-broken call from an unreachable server (leftovers79b).
   */
  answeredStatus?: number | undefined;
  /** That response's headers, kept on the error (without credentials, secrets scrubbed). */
  answeredHeaders?: Headers | undefined;
};

/**
 * The {@link ApiCallError} for a request whose transport threw: connection refused or reset, DNS
 * failure, socket closed. `status` is absent; `isRetryable` is true for the known transient
 * failures (and for the generic `fetch failed` TypeError), false for anything else `fetch` threw.
 * A failure after the host answered (an answer that is no readable HTTP, a body cut off after
 * its headers: `answeredStatus`) is worded as that, not as a host that could not be reached; a
 * body cut off also keeps that answer's `status` and `responseHeaders`.
 * @internal
 */
export function createNetworkError({
  url,
  method,
  cause,
  attempt,
  redact = [],
  fetchGiven = false,
  answeredStatus,
  answeredHeaders,
}: CreateNetworkErrorOptions): ApiCallError {
  const code = getNetworkErrorCode(cause);
  const isRetryable = isTransientNetworkError(cause, code);
  const what =
    code === undefined
      ? describeCause(cause, redact)
      : // Retryable means the code is an own key of the table (not 'constructor' from its prototype).
        `${isRetryable ? transientNetworkErrors[code] : describeCause(cause, redact)} (${code})`;
  const refusal = isRetryable ? undefined : findClientRefusal(cause);
  // The host answered: its headers came (a body cut off), or bytes that are no HTTP answer.
  const answered =
    answeredStatus !== undefined || (refusal === undefined && isUnreadableAnswer(cause));
  const checkFetch = fetchGiven ? ' and the fetch option' : '';
  const advice = isRetryable
    ? 'This is retryable; if it persists, check the network, a proxy, or the baseUrl.'
    : refusal !== undefined
      ? `Not retried: fetch refuses this request before sending it (${refusal}), so it would be refused again; check the baseUrl's scheme, host and port.`
      : answered
        ? `Not retried: the same server would answer the same way; check what answers at the baseUrl (a proxy or gateway in between)${checkFetch}.`
        : `Not retried: check the baseUrl${checkFetch}.`;
  const attempts =
    attempt !== undefined && attempt > 1
      ? ` Failed after ${attempt} attempts (retried ${attempt - 1} ${attempt === 2 ? 'time' : 'times'}).`
      : '';
  const host = hostOf(url);
  const happened =
    answeredStatus !== undefined
      ? `got a ${answeredStatus} response from ${host}, but reading its body failed`
      : answered
        ? `got an answer from ${host} that could not be read`
        : `could not reach ${host}`;
  const message = `${method} ${happened}: ${what}. ${advice}${attempts}`;
  return new ApiCallError({
    message: redactSecrets(message, redact),
    url,
    method,
    status: answeredStatus,
    responseHeaders: toSafeHeaders(answeredHeaders, redact),
    isRetryable,
    attempt,
    cause,
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * What `fetch` threw, as the message quotes it: its first 1,000 characters with how many were left
 * out (a custom `fetch`'s 5 MB message reached this one-line error whole), redacted before the cut
 * so that a key the cut goes through is not kept in part.
 */
function describeCause(cause: unknown, redact: readonly string[]): string {
  const inner =
    cause instanceof Error && cause.cause instanceof Error
      ? `: ${describeThrown(cause.cause)}`
      : '';
  return cutTextNoted(redactSecrets(`${describeThrown(cause)}${inner}`, redact), 1000);
}
