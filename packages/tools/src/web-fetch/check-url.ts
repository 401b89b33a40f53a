import type { HostList } from './match-host.ts';
import { hostMatches, normalizeHost } from './match-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

/** The host policy a URL is checked against. @internal */
export type HostPolicy = {
  allowedHosts: HostList | undefined;
  deniedHosts: HostList | undefined;
};

/** Longest URL fetched; longer ones are not links anyone needs to follow. */
export const MAX_URL_LENGTH = 2048;

/**
 * Parses a URL the model (or a redirect) gave and checks what can be checked before DNS: the
 * scheme (http and https only), no embedded credentials, and the host lists (deny wins).
 * WHATWG URL parsing normalizes numeric hosts (`http://0x7f000001`, `http://2130706433` and
 * `http://127.1` all become `127.0.0.1`), so address checks see the real address.
 *
 * @throws {@link WebFetchError} `invalid-url` or `host-not-allowed`.
 * @internal
 */
export function checkUrl(text: string, policy: HostPolicy, base?: string | undefined): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(text) : new URL(text, base);
  } catch {
    const shown = withoutUserinfo(text);
    throw new WebFetchError({
      reason: 'invalid-url',
      url: shown.slice(0, MAX_URL_LENGTH),
      message: `${JSON.stringify(shown.slice(0, 200))} is not a valid absolute URL. Give a full URL such as "https://example.com/page".`,
    });
  }
  // Every refusal below shows the URL without its "user:password@": one refused for its scheme or
  // its length carried them into the message and `url` (the model, logs, spans; attack59b).
  const shown = hrefWithoutCredentials(url).slice(0, MAX_URL_LENGTH);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebFetchError({
      reason: 'invalid-url',
      url: shown,
      message: `Only http and https URLs can be fetched, not ${url.protocol.slice(0, -1)}: URLs.`,
    });
  }
  if (url.href.length > MAX_URL_LENGTH) {
    throw new WebFetchError({
      reason: 'invalid-url',
      url: shown,
      message: `The URL is ${url.href.length} characters long; the limit is ${MAX_URL_LENGTH}.`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebFetchError({
      reason: 'invalid-url',
      url: `${url.protocol}//${url.host}${url.pathname}`.slice(0, MAX_URL_LENGTH),
      message:
        'URLs with a user name or password are not fetched. Remove the "user:password@" part.',
    });
  }
  const host = normalizeHost(url.hostname);
  if (policy.deniedHosts !== undefined && hostMatches(policy.deniedHosts, host)) {
    throw new WebFetchError({
      reason: 'host-not-allowed',
      url: shown,
      message: `Fetching from ${host} is not allowed. Use a different source.`,
    });
  }
  if (policy.allowedHosts !== undefined && !hostMatches(policy.allowedHosts, host)) {
    throw new WebFetchError({
      reason: 'host-not-allowed',
      url: shown,
      message: `Fetching from ${host} is not allowed: only ${describeList(policy.allowedHosts)} can be fetched.`,
    });
  }
  // The fragment never reaches the server.
  url.hash = '';
  return url;
}

function hrefWithoutCredentials(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return bare.href;
}

/**
 * Text that is not a URL, with anything that may be a "user:password@" taken out: everything
 * between the scheme's `//` and the last `@`. A password may hold a `/` (which is what made the
 * URL unparseable) and a host cannot hold an `@`, so the last one is the only safe end.
 */
function withoutUserinfo(text: string): string {
  const at = text.lastIndexOf('@');
  if (at === -1) return text;
  const slashes = text.indexOf('//');
  const start = slashes === -1 || slashes > at ? 0 : slashes + 2;
  return `${text.slice(0, start)}…@${text.slice(at + 1)}`;
}

function describeList(list: HostList): string {
  const names = [...list.exact, ...list.suffixes.map((suffix) => `*${suffix}`)];
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}
