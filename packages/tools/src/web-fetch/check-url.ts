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
    throw new WebFetchError({
      reason: 'invalid-url',
      url: text.slice(0, MAX_URL_LENGTH),
      message: `${JSON.stringify(text.slice(0, 200))} is not a valid absolute URL. Give a full URL such as "https://example.com/page".`,
    });
  }
  const shown = url.href.slice(0, MAX_URL_LENGTH);
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
      url: `${url.protocol}//${url.host}${url.pathname}`,
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

function describeList(list: HostList): string {
  const names = [...list.exact, ...list.suffixes.map((suffix) => `*${suffix}`)];
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}
