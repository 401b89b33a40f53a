import { looksBinary } from '../internal/looks-binary.ts';
import { isHtml } from './content-type.ts';
import { decodeText } from './decode-text.ts';
import type { LookupFunction } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';
import type { WebFetchArgs, WebFetchResult, WebFetchSettings } from './web-fetch-types.ts';

/** What {@link runWebFetch} needs. @internal */
export type RunWebFetchOptions = {
  args: WebFetchArgs;
  settings: WebFetchSettings;
  /** The call's signal from the agent. */
  signal: AbortSignal;
};

/**
 * One call of the web fetch tool: fetch, decode, convert, page. The network code (node:http,
 * node:https, node:dns, ipaddr.js) is imported on the first call, so importing `@gemloop/tools`
 * does not load it.
 *
 * @throws {@link WebFetchError}; the agent's abort reason when the call is aborted.
 * @internal
 */
export async function runWebFetch({
  args,
  settings,
  signal,
}: RunWebFetchOptions): Promise<WebFetchResult> {
  // A timer of its own rather than `AbortSignal.timeout`: cleared when the call ends, and one that
  // fake timers drive (the test of which phase a time-out blames raced a real 300 ms at load 20).
  const expiry = new AbortController();
  // The reason `AbortSignal.timeout` gives, word for word (a time-out error's `cause`).
  const timer = setTimeout(
    () =>
      expiry.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    settings.timeoutMs,
  );
  timer.unref?.();
  const deadline = expiry.signal;
  const combined = AbortSignal.any([signal, deadline]);
  // Set once the body has arrived: a time-out after that is the conversion's, not the site's, and
  // "try again later" would only repeat it.
  let convertingUrl: string | undefined;
  try {
    const [{ fetchWebPage }, lookup] = await Promise.all([
      import('./fetch-web-page.ts'),
      settings.lookup ?? loadDefaultLookup(),
    ]);
    const page = await fetchWebPage({
      url: args.url,
      policy: { allowedHosts: settings.allowedHosts, deniedHosts: settings.deniedHosts },
      lookup,
      addressPolicy: settings.addressPolicy,
      maxRedirects: settings.maxRedirects,
      maxBytes: settings.maxBytes,
      allowedContentTypes: settings.allowedContentTypes,
      headers: {
        'user-agent': settings.userAgent,
        accept: 'text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.8,*/*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
      },
      originHeaders: settings.headers,
      allowInsecureHttp: settings.allowInsecureHttp,
      signal: combined,
    });
    const { mimeType, charset } = page.contentType;
    const html = isHtml(mimeType);
    if (!html && looksBinary(page.body, charset)) {
      throw new WebFetchError({
        reason: 'content-type',
        url: page.url,
        status: page.status,
        message: `${page.url} is labelled ${mimeType} but holds binary data, which this tool cannot show.`,
      });
    }
    const decoded = decodeText({ bytes: page.body, charset, html });
    let text = decoded;
    let title: string | undefined;
    if (html && args.format !== 'raw') {
      convertingUrl = page.url;
      const converted = await convertHtml(settings, decoded, page.url, combined);
      text = converted.markdown;
      title = converted.title === '' ? undefined : converted.title;
    }
    return shapeResult({ args, settings, page: { ...page, mimeType }, text, title });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline.aborted && convertingUrl !== undefined) {
      throw new WebFetchError({
        reason: 'timeout',
        url: convertingUrl,
        message: `The page ${convertingUrl} arrived, but turning its HTML into text took longer than ${settings.timeoutMs} ms (it may be huge or deeply nested) and was stopped. Call again with format "raw" to get the HTML source, or use another source.`,
        cause: error,
      });
    }
    if (deadline.aborted) {
      throw new WebFetchError({
        reason: 'timeout',
        url: args.url,
        message: `Fetching ${args.url} took longer than ${settings.timeoutMs} ms and was stopped. The site may be slow; try again later or use another source.`,
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function loadDefaultLookup(): Promise<LookupFunction> {
  return (await import('./default-lookup.ts')).defaultLookup;
}

async function convertHtml(
  settings: WebFetchSettings,
  html: string,
  url: string,
  signal: AbortSignal,
): Promise<{ title: string; markdown: string }> {
  try {
    return await (await settings.converter()).convert({ html, url, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new WebFetchError({
      reason: 'conversion',
      url,
      message: `The HTML of ${url} could not be turned into text (${(error as Error).message}). Call again with format "raw" to get the HTML source, or use another source.`,
      cause: error,
    });
  }
}

function shapeResult({
  args,
  settings,
  page,
  text,
  title,
}: {
  args: WebFetchArgs;
  settings: WebFetchSettings;
  page: { url: string; status: number; mimeType: string; truncated: boolean; redirects: string[] };
  text: string;
  title: string | undefined;
}): WebFetchResult {
  let startIndex = Math.min(args.startIndex ?? 0, text.length);
  // A startIndex inside a surrogate pair would start the content with half a character (a lone
  // surrogate, which is not valid Unicode text): start after it, as the page's end never splits one.
  if (
    startIndex > 0 &&
    startIndex < text.length &&
    isHighSurrogate(text.charCodeAt(startIndex - 1)) &&
    isLowSurrogate(text.charCodeAt(startIndex))
  ) {
    startIndex++;
  }
  let end = Math.min(startIndex + (args.maxChars ?? settings.maxChars), text.length);
  // Never split a surrogate pair: the model would see a broken character.
  if (end < text.length && end > startIndex && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  const result: WebFetchResult = {
    url: page.url,
    status: page.status,
    contentType: page.mimeType,
    content: text.slice(startIndex, end),
    startIndex,
    totalChars: text.length,
  };
  if (title !== undefined) result.title = title;
  if (page.redirects.length > 0) result.redirects = page.redirects;
  const notes: string[] = [];
  if (end < text.length) {
    result.nextStartIndex = end;
    notes.push(
      `Showing characters ${startIndex} to ${end} of ${text.length}; call again with startIndex ${end} to read on.`,
    );
  }
  if ((args.startIndex ?? 0) > text.length) {
    notes.push(
      `startIndex ${args.startIndex} is past the end of the text (${text.length} characters).`,
    );
  }
  if (page.truncated) {
    notes.push(
      `The response was larger than ${settings.maxBytes} bytes; only the first ${settings.maxBytes} bytes were read, so the text ends early.`,
    );
  }
  if (notes.length > 0) result.note = notes.join(' ');
  return result;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
