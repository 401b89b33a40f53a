import type { AddressPolicy } from './check-address.ts';
import type { HtmlConverter } from './create-html-converter.ts';
import type { HostList } from './match-host.ts';
import type { LookupFunction } from './resolve-host.ts';

/** The arguments of the web fetch tool. */
export type WebFetchArgs = {
  url: string;
  format?: 'markdown' | 'raw' | undefined;
  startIndex?: number | undefined;
  maxChars?: number | undefined;
};

/** What the web fetch tool returns. */
export type WebFetchResult = {
  /** The URL after redirects. */
  url: string;
  status: number;
  /** The MIME type, e.g. `text/html`. */
  contentType: string;
  /** The page title, for HTML. */
  title?: string | undefined;
  /** The text: markdown for HTML, the body as-is for JSON and plain text. */
  content: string;
  /** Where `content` starts in the full text. */
  startIndex: number;
  /** Length of the full text. */
  totalChars: number;
  /** Where the next call should start to read on; absent when this call reached the end. */
  nextStartIndex?: number | undefined;
  /** The URLs redirected through, when there were redirects. */
  redirects?: string[] | undefined;
  /** Anything the model should know: the body was cut at the byte limit, more text follows. */
  note?: string | undefined;
};

/** The resolved settings a call runs with. @internal */
export type WebFetchSettings = {
  allowedHosts: HostList | undefined;
  deniedHosts: HostList | undefined;
  addressPolicy: AddressPolicy;
  maxRedirects: number;
  timeoutMs: number;
  maxBytes: number;
  maxChars: number;
  allowedContentTypes: readonly string[];
  userAgent: string;
  headers: Readonly<Record<string, string>>;
  /** `headers` may go over plain http to a host that is not loopback. */
  allowInsecureHttp: boolean;
  lookup: LookupFunction | undefined;
  /** Made (and its module loaded) on the first HTML page. */
  converter: () => Promise<HtmlConverter>;
};
