import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

/** Google's endpoint of the Gemini API. */
export const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** The API version used when none is given. */
export const DEFAULT_API_VERSION = 'v1beta';

const VERSION_SUFFIX = /\/(v\d+(?:alpha|beta)?\d*)$/;
// `/models`, `/models/<name>` or `/models/<name>:<method>` right after an API version.
const METHOD_PATH = /(?<=\/v\d+(?:alpha|beta)?\d*)\/models(?:\/[^/]*)?$/;

/**
 * The hostnames (as `URL.hostname` gives them) plain http may reach without an opt-in: the
 * loopback names of RFC 6761 §6.3 (`localhost`, `*.localhost`), 127.0.0.0/8, `[::1]` and 127/8
 * mapped into IPv6 (`[::ffff:127.0.0.1]`, which the parser writes `[::ffff:7f00:1]`: the kernel
 * routes it to the IPv4 loopback, RFC 4291 §2.5.5.2). The URL parser has already folded case and
 * the other spellings (`127.1`, `0x7f000001`, `[0:0:0:0:0:ffff:7f00:0001]`) into these.
 * `localhost.` stays out: glibc's /etc/hosts lookup does not match it, so DNS answers it (attack16).
 * @internal
 */
export const LOOPBACK_HOSTNAME: RegExp =
  /(^|\.)localhost$|^127\.[\d.]+$|^\[::(1|ffff:7f\w\w:\w+)]$/;

/**
 * Normalises a base URL: checks it is an http(s) URL, drops trailing slashes, a query and a hash,
 * and splits off a trailing API version (`https://host/v1beta` is a common way to write it).
 *
 * @param allowInsecureHttp - accept `http://` to a host that is not loopback (the key then
 *   crosses the network in clear text).
 * @returns the base URL without the version, and the version found in it, if any.
 * @throws {@link InvalidArgumentError} for anything that is not an absolute http(s) URL, plain
 *   http to a host that is not loopback without `allowInsecureHttp`, or a URL carrying
 *   credentials or a `key` query parameter (keys go in a header, never in URLs).
 * @internal
 */
export function normalizeBaseUrl(
  baseUrl: string,
  allowInsecureHttp?: boolean,
): { baseUrl: string; apiVersion?: string } {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    // Not echoed (attack14): a value that does not parse may be a key put in GEMINI_BASE_URL by
    // mistake, or a URL whose password sits beside a space.
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message: `baseUrl must be an absolute URL such as '${DEFAULT_BASE_URL}' or 'https://api.cometapi.com'; got a value not shown (it may hold a key).`,
    });
  }
  if (
    url.protocol !== 'https:' &&
    (url.protocol !== 'http:' ||
      !(allowInsecureHttp === true || LOOPBACK_HOSTNAME.test(url.hostname)))
  ) {
    // http to another machine sends the key, in every request, in clear text to anyone on the
    // path. Only the scheme and host are shown: the rest may hold a secret.
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message: `baseUrl must use https (http sends the key in clear: only to localhost, 127.x, [::1], or with allowInsecureHttp: true); got '${url.protocol}//${url.host}'.`,
    });
  }
  if (url.username !== '' || url.password !== '' || url.searchParams.has('key')) {
    // Never echo the value: it holds a secret.
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message:
        'baseUrl must not carry credentials (user:password@ or ?key=): pass the key as { apiKey } ' +
        'and gemloop sends it in a header.',
    });
  }
  let path = url.pathname.replace(/\/+$/, '');
  const methodPath = METHOD_PATH.exec(path);
  if (methodPath !== null) {
    // A URL copied from a request (`.../v1beta/models/gemini-2.5-flash:generateContent`) would
    // get gemloop's own path appended after it: every call a 404.
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message: `baseUrl must end before the method path: drop '${methodPath[0]}' and pass '${url.origin}${path.slice(0, methodPath.index)}'.`,
    });
  }
  const match = VERSION_SUFFIX.exec(path);
  const apiVersion = match?.[1];
  if (apiVersion !== undefined) path = path.slice(0, -apiVersion.length - 1);
  const normalized = `${url.origin}${path}`;
  return apiVersion === undefined ? { baseUrl: normalized } : { baseUrl: normalized, apiVersion };
}
