import type { OutgoingHttpHeaders } from 'node:http';
import { escapeUnprintable, LOOPBACK_HOSTNAME } from '@gemloop/core/internal';
import type { AddressPolicy } from './check-address.ts';
import type { HostPolicy } from './check-url.ts';
import { checkUrl } from './check-url.ts';
import type { ContentType } from './content-type.ts';
import { isContentTypeAllowed, parseContentType } from './content-type.ts';
import { readBody } from './read-body.ts';
import { requestOnce } from './request-once.ts';
import type { LookupFunction } from './resolve-host.ts';
import { resolveHost } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

/** The options of {@link fetchWebPage}. @internal */
export type FetchWebPageOptions = {
  url: string;
  policy: HostPolicy;
  lookup: LookupFunction;
  addressPolicy: AddressPolicy;
  maxRedirects: number;
  maxBytes: number;
  allowedContentTypes: readonly string[];
  /** Sent on every request. */
  headers: OutgoingHttpHeaders;
  /** Sent only to the origin of the first URL (dropped after a cross-origin redirect). */
  originHeaders: OutgoingHttpHeaders;
  /** Send `originHeaders` over plain http to a host that is not loopback. */
  allowInsecureHttp: boolean;
  signal: AbortSignal;
};

/** A fetched body and where it came from. @internal */
export type FetchedPage = {
  /** The URL after redirects. */
  url: string;
  status: number;
  contentType: ContentType;
  body: Buffer;
  /** The body was longer than `maxBytes` and was cut there. */
  truncated: boolean;
  /** Every URL redirected to, in order. */
  redirects: string[];
};

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * GETs a URL, following redirects by hand so that every hop goes through the same checks as the
 * first: scheme, credentials, host lists, DNS resolution with every address checked, and a
 * connection pinned to the checked addresses. Then checks the status and content type, and reads
 * the body up to `maxBytes`.
 *
 * @throws {@link WebFetchError} for every refusal and failure; the signal's reason on abort.
 * @internal
 */
export async function fetchWebPage(options: FetchWebPageOptions): Promise<FetchedPage> {
  const { policy, lookup, addressPolicy, maxRedirects, signal } = options;
  let url = checkUrl(options.url, policy);
  const origin = url.origin;
  if (
    url.protocol === 'http:' &&
    !options.allowInsecureHttp &&
    Object.keys(options.originHeaders).length > 0 &&
    !LOOPBACK_HOSTNAME.test(url.hostname)
  ) {
    // The tool's headers are credentials as often as not, and plain http hands them to anyone on
    // the path (attack17): the rule createGemini keeps for its key. Nothing is sent.
    throw new WebFetchError({
      reason: 'invalid-url',
      url: `${url.origin}${url.pathname}`,
      message: `This tool sends its credentials over https only, and ${url.origin} is plain http: fetch the https:// address instead. (Its developer can allow plain http with createWebFetchTool's allowInsecureHttp: true.)`,
    });
  }
  const redirects: string[] = [];
  for (;;) {
    const addresses = await resolveHost({
      hostname: url.hostname,
      url: url.href,
      lookup,
      addressPolicy,
      signal,
    });
    const headers =
      url.origin === origin ? { ...options.headers, ...options.originHeaders } : options.headers;
    const response = await requestOnce({ url, addresses, headers, signal });
    const status = response.statusCode ?? 0;

    if (REDIRECT_STATUSES.has(status)) {
      response.destroy();
      const location = response.headers.location;
      if (location === undefined || location.trim() === '') {
        throw new WebFetchError({
          reason: 'redirect',
          url: url.href,
          status,
          message: `${url.href} answered ${status} (a redirect) without a Location header, so there is nothing to follow.`,
        });
      }
      if (redirects.length >= maxRedirects) {
        throw new WebFetchError({
          reason: 'redirect',
          url: url.href,
          status,
          message: `Stopped after ${maxRedirects} redirects (${[options.url, ...redirects].slice(0, 6).join(' -> ')}${redirects.length > 5 ? ' -> ...' : ''}). The site may be redirecting in a loop; try the final URL directly or another source.`,
        });
      }
      url = checkUrl(location, policy, url.href);
      redirects.push(url.href);
      continue;
    }

    if (status < 200 || status > 299) {
      response.destroy();
      throw new WebFetchError({
        reason: 'http-status',
        url: url.href,
        status,
        message: `${url.href} answered HTTP ${status}${response.statusMessage ? ` ${describeReason(response.statusMessage)}` : ''}. ${describeStatus(status)}`,
      });
    }

    const contentType = parseContentType(response.headers['content-type']);
    if (!isContentTypeAllowed(contentType.mimeType, options.allowedContentTypes)) {
      response.destroy();
      throw new WebFetchError({
        reason: 'content-type',
        url: url.href,
        status,
        message: `${url.href} is ${contentType.mimeType}, which this tool does not read. It reads: ${options.allowedContentTypes.join(', ')}.`,
      });
    }
    const { bytes, truncated } = await readBody({
      response,
      url: url.href,
      maxBytes: options.maxBytes,
      signal,
    });
    return { url: url.href, status, contentType, body: bytes, truncated, redirects };
  }
}

const MAX_REASON_LENGTH = 100;

/**
 * The server's reason phrase as the error message may hold it: Node's client takes any bytes but
 * CR and LF there, up to its 16 KiB header limit, and the message reaches logs and terminals,
 * where an escape sequence could clear the screen or set the clipboard (OSC 52). Controls are
 * written as visible escapes (`\u001b`) and the phrase is cut at 100 characters.
 */
function describeReason(reason: string): string {
  const shown = escapeUnprintable(reason);
  return shown.length > MAX_REASON_LENGTH ? `${shown.slice(0, MAX_REASON_LENGTH)}…` : shown;
}

function describeStatus(status: number): string {
  if (status === 401 || status === 403)
    return 'The page needs a login or blocks automated access; use another source.';
  if (status === 404 || status === 410)
    return 'The page does not exist; check the URL or search for the current address.';
  if (status === 429)
    return 'The site is rate limiting; wait before trying again or use another source.';
  if (status >= 500) return 'The server failed; try again later or use another source.';
  return 'Check the URL.';
}
