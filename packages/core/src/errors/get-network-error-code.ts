/**
 * Network error codes a retry can fix, with a plain-words description for the error message.
 * Node's `fetch` (undici) throws `TypeError('fetch failed')` with the system or undici error in
 * `cause` (sometimes an `AggregateError` of one error per address tried).
 * @internal
 */
// Without a prototype: a code of 'toString' or 'constructor' (from anything a fetch may reject
// with) is no transient failure, though `in` and indexing found it on Object.prototype (and wrote
// the source of a native function into the message).
export const transientNetworkErrors: Readonly<Record<string, string>> = Object.setPrototypeOf(
  {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ECONNABORTED: 'connection aborted',
    EPIPE: 'connection closed while sending',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed temporarily',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENETDOWN: 'network down',
    UND_ERR_SOCKET: 'socket closed by the other side',
    UND_ERR_CLOSED: 'connection closed',
    UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
    UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
    UND_ERR_BODY_TIMEOUT: 'timed out reading the response body',
  },
  null,
);

/**
 * Finds the first string `code` along an error's `cause` chain (and inside an `AggregateError`),
 * e.g. `ECONNREFUSED` for Node's `TypeError('fetch failed')`.
 * @internal
 */
export function getNetworkErrorCode(error: unknown): string | undefined {
  try {
    return findCode(error);
  } catch {
    // A proxy or getter that throws: whatever it is, it names no network failure.
    return undefined;
  }
}

function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  // A bounded walk: cause chains can be cyclic in hand-made errors.
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { code, errors, cause } = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && code !== '' && !code.startsWith('ERR_INVALID')) return code;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = findCode(errors[0]);
      if (inner !== undefined) return inner;
    }
    current = cause;
  }
  return undefined;
}

/**
 * Whether a rejection of `fetch` is a network failure worth retrying: a known transient code, or
 * the generic `TypeError` fetch throws for network errors (`fetch failed`, `Failed to fetch`,
 * `NetworkError ...`) when no code is attached.
 * @internal
 */
export function isTransientNetworkError(error: unknown, code: string | undefined): boolean {
  // Own keys only: a code of 'toString' or 'constructor' (from anything a fetch may reject with)
  // is no transient failure, though `in` finds it on Object.prototype.
  if (code !== undefined) return Object.hasOwn(transientNetworkErrors, code);
  if (findClientRefusal(error) !== undefined || isRefusedAnswer(error)) return false;
  return (
    error instanceof TypeError && /fetch failed|failed to fetch|network ?error/i.test(error.message)
  );
}

// What Node's fetch (undici 6.23 and later) aborts with when an answer lists more content-codings
// than it decodes: the server's answer, the same on every retry (attack62b; it was sent 4 times).
const REFUSED_ANSWERS = /^too many content-encodings/i;

/** Whether fetch refused the server's answer itself, along the `cause` chain. */
function isRefusedAnswer(error: unknown): boolean {
  return someCause(
    error,
    ({ message }) => typeof message === 'string' && REFUSED_ANSWERS.test(message),
  );
}

/**
 * Whether `test` holds for an error along `error`'s `cause` chain: a bounded walk (hand-made
 * chains can be cyclic), and a getter that throws names nothing.
 */
function someCause(
  error: unknown,
  test: (current: { code?: unknown; message?: unknown }) => boolean,
): boolean {
  try {
    let current: unknown = error;
    for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
      if (test(current)) return true;
      current = (current as { cause?: unknown }).cause;
    }
  } catch {
    // A getter that throws names nothing.
  }
  return false;
}

// What undici throws when the server answered with bytes it cannot read as an HTTP/1.1 response:
// its parser's `HPE_*` codes (Node's fetch), a header block over its limit, two content-lengths or
// a body of another length than announced. undici 7's request API leaves `code` off its
// HTTPParserError ("Response does not match the HTTP/1.1 protocol (Invalid HTTP version)").
const UNREADABLE_CODE = /^(?:HPE_|UND_ERR_(?:HEADERS_OVERFLOW|RES_CONTENT_LENGTH_MISMATCH)$)/;
const UNREADABLE_MESSAGE = /^Response does not match the HTTP\/1\.1 protocol/;

/**
 * Whether a rejection says the server answered, but with bytes that are no readable HTTP/1.1
 * response (see `UNREADABLE_CODE`), or that fetch refused (too many content-codings), along the
 * `cause` chain: the host was reached, so its error is not worded as a network failure.
 * @internal
 */
export function isUnreadableAnswer(error: unknown): boolean {
  return someCause(
    error,
    ({ code, message }) =>
      (typeof code === 'string' && UNREADABLE_CODE.test(code)) ||
      (typeof message === 'string' &&
        (UNREADABLE_MESSAGE.test(message) || REFUSED_ANSWERS.test(message))),
  );
}

// What Node's fetch (undici) puts in `cause.message` when it refuses a request before sending it:
// a port on the fetch standard's block list, a scheme it does not speak (ftp:, blob:, file:).
const CLIENT_REFUSALS = /^(?:bad port|unknown scheme|invalid method|not implemented)/i;

/**
 * The reason `fetch` refused a request without sending it (`bad port`, `unknown scheme`,
 * `Invalid URL`), found along the `cause` chain; such a request is refused again on every retry.
 * `undefined` for anything else.
 * @internal
 */
export function findClientRefusal(error: unknown): string | undefined {
  try {
    let current: unknown = error;
    for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
      const { message, code, cause } = current as {
        message?: unknown;
        code?: unknown;
        cause?: unknown;
      };
      if (code === 'ERR_INVALID_URL') return 'Invalid URL';
      if (typeof message === 'string' && CLIENT_REFUSALS.test(message)) return message;
      current = cause;
    }
  } catch {
    // A getter that throws names no refusal.
  }
  return undefined;
}
