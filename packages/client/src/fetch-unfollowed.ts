import { ClientError } from './client-error.ts';
import { credentialsOf, quoteWithoutCredentials } from './header-credentials.ts';

/**
 * Sends a request without following a redirect. The Fetch standard drops only `Authorization` on
 * a cross-origin redirect (https://fetch.spec.whatwg.org/#http-redirect-fetch, step 14: the "CORS
 * non-wildcard request-header name"), and Node's fetch (undici) does the same: a page's
 * `x-api-key` or any other header of `headers` went on to whatever host the Location named
 * (attack12). As core's Gemini client and `connectMcpHttp` do, a redirect is refused: a 3xx, or
 * the opaque redirect a browser gives under `redirect: 'manual'` (status 0, Location hidden). A
 * custom `fetch` that ignores the mode and follows on its own is the page's own choice.
 * @throws {@link ClientError} (`redirect`) naming where it pointed, without its query.
 * @internal
 */
export async function fetchUnfollowed(
  doFetch: typeof fetch,
  url: string | URL,
  init: RequestInit,
): Promise<Response> {
  const response = await doFetch(url, { ...init, redirect: 'manual' });
  const opaque = response.type === 'opaqueredirect';
  if (!opaque && (response.status < 300 || response.status > 399)) return response;
  response.body?.cancel().catch(() => {});
  throw new ClientError({
    code: 'redirect',
    status: response.status,
    message:
      `The server answered ${opaque ? 'with a redirect (the browser hides where to)' : `${response.status}, a redirect to ${where(response.headers.get('location'), url, init.headers)}`}. ` +
      '@gemloop/client does not follow redirects, because your headers would go with it: use the address it names as the URL if you trust it.',
  });
}

/**
 * Where a redirect points: its origin and path, without its query or credentials (they may hold
 * tokens), and without the request's own credential headers' values, as they are or URL-encoded:
 * a gateway that redirects to `/sso/continue/<the token it was given>` put the page's key into
 * the error (client68). Core has the same (`redirectTarget`); this package loads nothing of core
 * at run time (types only), so a page's bundle stays small.
 */
function where(
  location: string | null,
  base: string | URL,
  headers: RequestInit['headers'],
): string {
  if (location === null) return 'nowhere (no Location header)';
  let target: URL;
  try {
    target = new URL(location, base);
  } catch {
    return 'an invalid Location';
  }
  const credentials = credentialsOf(headers as Record<string, string> | undefined);
  const echoed = [...credentials, ...credentials.map(encodeURIComponent)].sort(
    (left, right) => right.length - left.length,
  );
  return `${target.origin}${quoteWithoutCredentials(target.pathname, 200, echoed)}`;
}
