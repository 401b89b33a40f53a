import { ClientError } from './client-error.ts';
import { sliceWhole } from './slice-whole.ts';

/** What a credential quoted back by a server is replaced with. */
const REDACTED = '[redacted]';
/** Shorter values are no credential worth hiding and would blank ordinary words. */
const MIN_CREDENTIAL_CHARS = 8;
/** The shortest piece of a credential cut off at an excerpt's end that is removed too. */
const MIN_CUT_PIECE_CHARS = 4;
/**
 * Header names that carry a credential: `authorization`, `proxy-authorization`, `cookie`, and
 * any name with `key` (`x-api-key`), `token`, `secret`, `password` or `auth` in it.
 */
const CREDENTIAL_HEADER = /^cookie$|authorization|key|token|secret|password|auth/i;

/**
 * A page's `headers` option: a record, a `Headers` or `[name, value]` pairs, as fetch takes
 * them. Declared here rather than as DOM's `HeadersInit`, which a Node project without the DOM
 * lib (`lib: ["es2023"]`) does not have: the published types named it and failed to compile there.
 */
export type HeadersOption =
  | Record<string, string>
  | Headers
  | ReadonlyArray<readonly [string, string]>;

/**
 * A page's `headers` option as a record, read as fetch reads its `HeadersInit`: a record as it
 * is, a `Headers` or `[name, value]` pairs as their entries (spread into a record, a `Headers`
 * was no header at all and pairs were headers `0`, `1`: attack61f); a record's names and values
 * are checked as fetch checks them (`checkHeaderRecord`). Anything else (a function,
 * as the AI SDK's `useChat` takes; a string) is `invalid-option` before any request; the message
 * never quotes a value, which may be a credential.
 * @throws {@link ClientError} `invalid-option` naming `headers`.
 * @internal
 */
export function readHeadersOption(headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers === 'object' && headers !== null) {
    const prototype = Object.getPrototypeOf(headers);
    if (prototype === Object.prototype || prototype === null) {
      checkHeaderRecord(headers as Record<string, unknown>);
      return headers as Record<string, string>;
    }
    try {
      const record: Record<string, string> = {};
      new Headers(headers as Headers).forEach((value, name) => {
        record[name] = value;
      });
      return record;
    } catch {
      // Pairs that are not pairs, a header name fetch refuses: refused below.
    }
  }
  throw new ClientError({
    code: 'invalid-option',
    option: 'headers',
    message: `headers must be an object of header names and values, a Headers, or [name, value] pairs, as fetch takes them; got ${Array.isArray(headers) ? 'a list that is not of pairs' : `a ${typeof headers}`}. A function is not called: give the headers themselves (read at each request).`,
  });
}

/** An HTTP token: what a header name is made of (RFC 9110, 5.1 and 5.6.2). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * What no header value may hold once fetch has trimmed the HTTP whitespace around it (the fetch
 * standard's "header value": no NUL, CR or LF), and what a byte string cannot: a character past
 * U+00FF.
 */
const NOT_IN_A_VALUE = /[\0\r\n\u0100-\uffff]/;
const AROUND_A_VALUE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * Refuses a record of headers fetch would refuse, before any request: a name that is no HTTP token,
 * a value with a line end or NUL inside it or a character past U+00FF (a token pasted with its
 * line end, `Bearer tokeń`). fetch threw a `TypeError` the page got as `connection-lost` ("the
 * network, or the server is not reachable"), and in Node that error, the `cause`, quoted the value
 * (client68). Names the header (a valid name) but never its value.
 */
function checkHeaderRecord(headers: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(headers)) {
    const badName = !HEADER_NAME.test(name);
    if (
      !badName &&
      (typeof value !== 'string' || !NOT_IN_A_VALUE.test(value.replace(AROUND_A_VALUE, '')))
    )
      continue;
    throw new ClientError({
      code: 'invalid-option',
      option: 'headers',
      message: badName
        ? `headers holds a name that is no HTTP token (letters, digits and !#$%&'*+-.^_\`|~; no space or colon), which fetch refuses to send.`
        : `headers[${JSON.stringify(name)}] holds a character no header value may (a line end or NUL inside it, or one past U+00FF), which fetch refuses to send: is a line end or a typographic character pasted with it?`,
    });
  }
}

/**
 * The credentials among a page's request headers: the value of each header whose name says it
 * carries one, and the token after its scheme (`Bearer <token>`), each of 8 characters or more.
 * A body the server sends back may quote them (a proxy's error page that echoes the headers).
 * @internal
 */
export function credentialsOf(headers: Record<string, string> | undefined): string[] {
  const credentials: string[] = [];
  if (headers === undefined || headers === null || typeof headers !== 'object') return credentials;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || !CREDENTIAL_HEADER.test(name)) continue;
    const whole = value.trim();
    const space = whole.indexOf(' ');
    // The token alone too: a server may quote it without its scheme.
    for (const each of space === -1 ? [whole] : [whole, whole.slice(space + 1).trim()]) {
      if (each.length >= MIN_CREDENTIAL_CHARS && !credentials.includes(each))
        credentials.push(each);
    }
  }
  // Longest first: a whole `Bearer <token>` goes before the token inside it.
  return credentials.sort((left, right) => right.length - left.length);
}

/**
 * `text` with every credential of `credentials` replaced by `[redacted]`.
 * @internal
 */
export function withoutCredentials(text: string, credentials: readonly string[]): string {
  let result = text;
  for (const credential of credentials) {
    if (result.includes(credential)) result = result.split(credential).join(REDACTED);
  }
  return result;
}

/**
 * `text`, cut short, without a credential's first characters at its end (4 or more): what is
 * left of one the cut went through.
 */
function withoutCutCredential(text: string, credentials: readonly string[]): string {
  for (const credential of credentials) {
    for (let length = credential.length - 1; length >= MIN_CUT_PIECE_CHARS; length--) {
      if (text.endsWith(credential.slice(0, length))) return text.slice(0, -length) + REDACTED;
    }
  }
  return text;
}

/**
 * `text` as an error may quote it, at most `maxChars` characters of it: without the page's
 * `credentials`, and cut (`...`) when longer. For what a server sent (an event's data, a run id):
 * a server or a proxy may echo the request's headers, and the error goes where the page logs
 * (attack58b).
 * @internal
 */
export function quoteWithoutCredentials(
  text: string,
  maxChars: number,
  credentials: readonly string[],
): string {
  return text.length <= maxChars
    ? withoutCredentials(text, credentials)
    : cutWithoutCredentials(text, maxChars, credentials);
}

/**
 * The first `maxChars` characters of `text` and `...`, without the page's `credentials`: they
 * are redacted before the cut, and a credential's first characters left at the cut are removed.
 * @internal
 */
export function cutWithoutCredentials(
  text: string,
  maxChars: number,
  credentials: readonly string[],
): string {
  // Only what can reach the cut is searched: a credential that starts before it ends within its
  // own length past it. An event's data may be a megabyte.
  const longest = credentials.reduce((most, credential) => Math.max(most, credential.length), 0);
  const redacted = withoutCredentials(text.slice(0, maxChars + longest), credentials);
  return `${withoutCutCredential(sliceWhole(redacted, maxChars), credentials)}...`;
}
