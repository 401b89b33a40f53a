import { GemloopError } from '@gemloop/core';

/** Why a web fetch failed. */
export type WebFetchErrorReason =
  /** The URL cannot be parsed, or its scheme is not http/https, or it carries credentials. */
  | 'invalid-url'
  /** The host is on the deny list, or not on the allow list. */
  | 'host-not-allowed'
  /** The host is, or resolves to, a loopback, private, link-local or otherwise internal address. */
  | 'address-not-allowed'
  /** The host name does not resolve. */
  | 'dns'
  /** The connection failed or broke (refused, reset, TLS). */
  | 'network'
  /** More redirects than allowed, or a redirect without a usable Location. */
  | 'redirect'
  /** The server answered with a status other than 2xx. */
  | 'http-status'
  /** The response's content type is not one the tool reads. */
  | 'content-type'
  /** The whole fetch took longer than the time limit. */
  | 'timeout'
  /** The HTML could not be turned into text (too deeply nested, too complex, ...). */
  | 'conversion';

/**
 * A web fetch failed. The message names the URL, what went wrong and what to try instead; the
 * agent loop hands it to the model.
 */
export class WebFetchError extends GemloopError {
  override readonly code = 'web-fetch';
  readonly reason: WebFetchErrorReason;
  /** The URL being fetched when it failed (after redirects, the hop that failed). */
  readonly url: string;
  /** The HTTP status, for `http-status`. */
  readonly status: number | undefined;

  constructor({
    reason,
    url,
    message,
    status,
    cause,
  }: {
    reason: WebFetchErrorReason;
    url: string;
    message: string;
    status?: number | undefined;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.url = url;
    this.status = status;
  }

  static override isInstance(error: unknown): error is WebFetchError {
    return GemloopError.hasCode(error, 'web-fetch');
  }
}
