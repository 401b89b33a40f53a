import { redactSecrets } from '../shared/redact-secrets.ts';
import { ApiCallError } from './api-call-error.ts';

/** What failed when a response body could not be decoded: the decoder's own words and code. */
export type DecodeFailure = { message: string; code: string };

// node:zlib's codes: Z_DATA_ERROR (not the format), Z_BUF_ERROR (cut short), ...; its brotli
// decoder's are ERR__ERROR_FORMAT_..., ERR__ERROR_DICTIONARY_... and the like.
const DECODER_CODE = /^(?:Z_[A-Z_]+|ERR__ERROR_[A-Z0-9_]+)$/;

/**
 * The decoder failure along an error's `cause` chain: node:zlib's error when a body did not decode
 * as its `content-encoding` says (the node transport's own decoder throws it as it is; Node's
 * fetch as the cause of a `TypeError('terminated')`). `undefined` for any other failure. Called
 * on the failure path only.
 * @internal
 */
export function findDecodeFailure(error: unknown): DecodeFailure | undefined {
  try {
    let current: unknown = error;
    // A bounded walk: cause chains can be cyclic in hand-made errors.
    for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
      const { code, message, cause } = current as {
        code?: unknown;
        message?: unknown;
        cause?: unknown;
      };
      if (typeof code === 'string' && DECODER_CODE.test(code)) {
        return { code, message: typeof message === 'string' ? message : code };
      }
      current = cause;
    }
  } catch {
    // A getter that throws names no decoder failure.
  }
  return undefined;
}

/**
 * What to say about a body that did not decode: which coding, what the decoder said, and where
 * to look. The `fetch` option is named only when one was given.
 * @internal
 */
export function describeDecodeFailure({
  contentEncoding,
  failure,
  fetchGiven,
}: {
  contentEncoding: string | null;
  failure: DecodeFailure;
  fetchGiven?: boolean | undefined;
}): string {
  const coding = contentEncoding ?? '(no header)';
  const suspects = fetchGiven === true ? 'the fetch function you passed, the server' : 'the server';
  return (
    `the body could not be decoded as its content-encoding header says (content-encoding: ` +
    `${coding}): ${failure.message} (${failure.code}). The bytes are not valid ${coding}: ` +
    `${suspects} or a proxy or gateway in between is sending a broken compressed body; check ` +
    'the baseUrl and any proxy'
  );
}

/** What {@link createDecodeError} builds an error from. */
export type CreateDecodeErrorOptions = {
  url: string;
  method: string;
  /** The status of the response whose body failed. */
  status: number;
  contentEncoding: string | null;
  failure: DecodeFailure;
  fetchGiven?: boolean | undefined;
  attempt?: number | undefined;
  cause: unknown;
  redact?: readonly string[] | undefined;
};

/**
 * The {@link ApiCallError} for a response whose body could not be decoded (a `gzip` body that is
 * not gzip): the server answered, so it names the response and its `content-encoding`, not a
 * network failure. Not retried: the same server or proxy sends the same bytes.
 * @internal
 */
export function createDecodeError(options: CreateDecodeErrorOptions): ApiCallError {
  const message =
    `${options.method} got a ${options.status} response, but ${describeDecodeFailure(options)}. ` +
    'Not retried.';
  return new ApiCallError({
    message: redactSecrets(message, options.redact ?? []),
    url: options.url,
    method: options.method,
    status: options.status,
    isRetryable: false,
    attempt: options.attempt,
    cause: options.cause,
  });
}
