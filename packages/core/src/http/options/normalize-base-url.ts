import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

/** Google's endpoint of the Gemini API. */
export const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** The API version used when none is given. */
export const DEFAULT_API_VERSION = 'v1beta';

const VERSION_SUFFIX = /\/(v\d+(?:alpha|beta)?\d*)$/;
// `/models`, `/models/<name>` or `/models/<name>:<method>` right after an API version.
const METHOD_PATH = /(?<=\/v\d+(?:alpha|beta)?\d*)\/models(?:\/[^/]*)?$/;

/**
 * Normalises a base URL: checks it is an http(s) URL, drops trailing slashes, a query and a hash,
 * and splits off a trailing API version (`https://host/v1beta` is a common way to write it).
 *
 * @returns the base URL without the version, and the version found in it, if any.
 * @throws {@link InvalidArgumentError} for anything that is not an absolute http(s) URL, or a URL
 *   carrying credentials or a `key` query parameter (keys go in a header, never in URLs).
 * @internal
 */
export function normalizeBaseUrl(baseUrl: string): { baseUrl: string; apiVersion?: string } {
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
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message: `baseUrl must use https (or http for a local server); got '${url.protocol}'.`,
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
