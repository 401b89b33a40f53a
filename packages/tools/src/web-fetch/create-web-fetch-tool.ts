import type { DefinedTool } from '@gemloop/core';
import { defineTool, InvalidArgumentError } from '@gemloop/core';
import {
  arrayOption,
  booleanOption,
  checkedWhereUsed,
  checkHeaders,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  type OptionCheck,
  stringOption,
} from '@gemloop/core/internal';
import { z } from 'zod/v4';
import { wholeNumberOption } from '../internal/whole-number-option.ts';
import type { AddressRange } from './check-address.ts';
import { parseAddressRanges } from './check-address.ts';
import { MAX_URL_LENGTH } from './check-url.ts';
import { DEFAULT_ALLOWED_CONTENT_TYPES } from './content-type.ts';
import type { HtmlConverter } from './create-html-converter.ts';
import type { HostList } from './match-host.ts';
import { compileHostList } from './match-host.ts';
import type { LookupFunction } from './resolve-host.ts';
import { runWebFetch } from './run-web-fetch.ts';
import type { WebFetchArgs, WebFetchResult, WebFetchSettings } from './web-fetch-types.ts';

/** The options of {@link createWebFetchTool}. */
export type WebFetchToolOptions = {
  /** The function name the model calls. @defaultValue `'web_fetch'` */
  name?: string | undefined;
  /** Replaces the description the model reads. */
  description?: string | undefined;
  /**
   * Only these hosts can be fetched: exact names or addresses (`example.com`, `203.0.113.7`) and
   * subdomain patterns (`*.example.com` matches `docs.example.com`, not `example.com`). Checked on
   * every redirect too. Default: any public host.
   */
  allowedHosts?: readonly string[] | undefined;
  /** These hosts are never fetched (same forms as `allowedHosts`; wins over it). */
  deniedHosts?: readonly string[] | undefined;
  /**
   * Allow loopback, private, link-local and other internal addresses (for an intranet, or a test
   * server on 127.0.0.1). Cloud metadata endpoints stay refused.
   * @defaultValue false
   */
  allowPrivateNetwork?: boolean | undefined;
  /**
   * Internal addresses that may be fetched although `allowPrivateNetwork` is off: CIDR ranges or
   * single addresses (`['10.20.0.0/16', '127.0.0.1']`). Narrower than `allowPrivateNetwork`, so an
   * intranet service can be opened without opening the whole private network. Metadata endpoints
   * stay refused.
   */
  allowedAddressRanges?: readonly string[] | undefined;
  /** Most redirects followed. @defaultValue 5 */
  maxRedirects?: number | undefined;
  /** Time limit of a whole call (DNS, redirects, body, conversion), in ms. @defaultValue 20000 */
  timeoutMs?: number | undefined;
  /** Most body bytes read (after decompression); the rest is never downloaded. @defaultValue 2000000 */
  maxBytes?: number | undefined;
  /** Most characters of text returned by one call; the model pages with `startIndex`. @defaultValue 20000 */
  maxChars?: number | undefined;
  /**
   * Content types read: exact (`text/html`), `type/*`, or `type/*+suffix`.
   * @defaultValue {@link DEFAULT_ALLOWED_CONTENT_TYPES}
   */
  allowedContentTypes?: readonly string[] | undefined;
  /** The User-Agent header. @defaultValue `'Mozilla/5.0 (compatible; gemloop-web-fetch/0.1)'` */
  userAgent?: string | undefined;
  /**
   * Extra request headers, sent only to the origin of the URL the model asked for (dropped after
   * a redirect to another origin). The model chooses that URL, so with credentials here, also set
   * `allowedHosts`.
   */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Send `headers` over plain `http://` to a host that is not loopback. Without it, a call for
   * such a URL while `headers` are set is refused (the model is told to use https) and nothing
   * is sent, as `createGemini` refuses to send its key over plain http; `localhost`,
   * `127.0.0.0/8` and `[::1]` need no opt-in. Only for a trusted private network.
   * @defaultValue false
   */
  allowInsecureHttp?: boolean | undefined;
  /** Resolves host names; inject one in tests. @defaultValue the system resolver (`dns.lookup`) */
  lookup?: LookupFunction | undefined;
  /** Heap limit, in MB, of the worker thread that converts HTML. @defaultValue 512 */
  conversionMemoryMb?: number | undefined;
  /**
   * Most worker threads converting HTML at once (each may use `conversionMemoryMb` of heap and a
   * core); further pages wait in a queue, within their call's `timeoutMs`. A whole number from 1
   * to 64, or `Infinity` for one thread per concurrent page (no bound).
   * @defaultValue 2 (1 on a one-core machine)
   */
  maxConversionWorkers?: number | undefined;
};

const wholeNumber = (min: number, max: number, infinity = false): OptionCheck =>
  wholeNumberOption('createWebFetchTool', min, max, infinity);

const isString = (value: unknown): boolean => typeof value === 'string';

const webFetchOptions: DeclaredOptions<WebFetchToolOptions> = defineOptions<WebFetchToolOptions>({
  name: 'createWebFetchTool',
  example: "{ allowedHosts: ['example.com'] }",
  checks: {
    // defineTool checks the name against Gemini's rule.
    name: checkedWhereUsed,
    description: stringOption(),
    // Compiled (host patterns, CIDR ranges) where they are used, which reports the entry at fault.
    allowedHosts: checkedWhereUsed,
    deniedHosts: checkedWhereUsed,
    allowPrivateNetwork: booleanOption(),
    allowedAddressRanges: checkedWhereUsed,
    maxRedirects: wholeNumber(0, 20),
    timeoutMs: wholeNumber(1, 600_000),
    maxBytes: wholeNumber(1, 100_000_000),
    maxChars: wholeNumber(100, 10_000_000),
    allowedContentTypes: arrayOption({
      item: isString,
      message: 'createWebFetchTool: allowedContentTypes must be an array of media types.',
    }),
    userAgent: stringOption(),
    // Checked and copied (names lower-cased) below, when the tool is made: a bad one failed on
    // every call, as a TypeError for `null` (attack17).
    headers: checkedWhereUsed,
    allowInsecureHttp: booleanOption(),
    lookup: functionOption(
      'createWebFetchTool: lookup must be a function (hostname) => Promise<{ address, family }[]>.',
    ),
    conversionMemoryMb: wholeNumber(32, 16_384),
    maxConversionWorkers: wholeNumber(1, 64, true),
  },
});

/**
 * A web fetch tool: GETs a URL and returns readable text (HTML as markdown, with the title; JSON
 * and plain text as they are), with the final URL after redirects.
 *
 * The URL comes from the model, which may be steered by a prompt injection, so by default only
 * public internet addresses are reachable: http/https only; loopback, private, link-local,
 * carrier-grade NAT, multicast and unspecified addresses, and IPv6 forms that embed one (IPv4-mapped,
 * -compatible, NAT64, 6to4), refused after DNS resolution
 * (every address checked, then the connection pinned to them, so DNS rebinding cannot switch
 * it), on every redirect; cloud metadata endpoints always refused. Size, time, redirects and
 * content types are bounded, and HTML is converted in a pool of worker threads (two by default)
 * whose worker is terminated when the time runs out, so a hostile page cannot hang the process
 * and a burst of pages cannot start a thread and a heap each.
 *
 * @example
 * const webFetch = createWebFetchTool({ deniedHosts: ['*.internal.example.com'] });
 * const agent = createAgent({ model, tools: [webFetch] });
 * // Close the tool (the agent does it on close) to stop the idle HTML worker.
 *
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for invalid options.
 */
export function createWebFetchTool(
  options: WebFetchToolOptions = {},
): DefinedTool<WebFetchArgs, WebFetchResult> {
  // Each option read once (attack15): a getter cannot pass the check and then turn a bound off.
  const checked = checkOptionsCopy(webFetchOptions, options);
  const {
    name = 'web_fetch',
    description,
    allowPrivateNetwork = false,
    maxRedirects = 5,
    timeoutMs = 20_000,
    maxBytes = 2_000_000,
    maxChars = 20_000,
    allowedContentTypes = DEFAULT_ALLOWED_CONTENT_TYPES,
    userAgent = 'Mozilla/5.0 (compatible; gemloop-web-fetch/0.1)',
    allowInsecureHttp = false,
    lookup,
    conversionMemoryMb = 512,
    maxConversionWorkers,
  } = checked;
  let converter: HtmlConverter | undefined;
  const settings: WebFetchSettings = {
    allowedHosts: hostList('allowedHosts', checked.allowedHosts),
    deniedHosts: hostList('deniedHosts', checked.deniedHosts),
    addressPolicy: {
      allowPrivateNetwork: allowPrivateNetwork === true,
      allowedRanges: addressRanges(checked.allowedAddressRanges),
    },
    maxRedirects,
    timeoutMs,
    maxBytes,
    maxChars,
    allowedContentTypes: [...allowedContentTypes],
    userAgent,
    headers: checkHeaders(checked.headers, 'headers') ?? {},
    allowInsecureHttp,
    lookup,
    converter: async () => {
      if (converter === undefined) {
        const { createHtmlConverter } = await import('./create-html-converter.ts');
        converter ??= createHtmlConverter({
          maxMemoryMb: conversionMemoryMb,
          maxWorkers: maxConversionWorkers,
        });
      }
      return converter;
    },
  };

  return defineTool({
    name,
    description: description ?? describeWebFetch(settings),
    parameters: z.object({
      url: z
        .string()
        .min(1)
        .max(MAX_URL_LENGTH)
        .describe(
          'The absolute http or https URL to fetch, e.g. "https://en.wikipedia.org/wiki/Gemini".',
        ),
      format: z
        .enum(['markdown', 'raw'])
        .optional()
        .describe(
          '"markdown" (default) turns HTML into readable markdown; "raw" returns the HTML source. JSON and text are returned as they are either way.',
        ),
      startIndex: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe(
          'Character offset to start reading at, to continue a long page: pass the nextStartIndex of the previous call. Default 0.',
        ),
      maxChars: z
        .number()
        .int()
        .min(100)
        .max(maxChars)
        .optional()
        .describe(`Most characters to return in this call (default and maximum ${maxChars}).`),
    }),
    // A little over the tool's own limit, so its clearer time-out error arrives first.
    timeoutMs: timeoutMs + 2000,
    execute: (args, context) => runWebFetch({ args, settings, signal: context.signal }),
    close: async () => {
      await converter?.close();
    },
  });
}

function describeWebFetch(settings: WebFetchSettings): string {
  return [
    'Fetches a web page or file by URL (HTTP GET) and returns its text: HTML as readable markdown with the page title, JSON and plain text as they are, plus the final URL after redirects.',
    `Returns at most ${settings.maxChars} characters per call; when nextStartIndex is present, call again with startIndex set to it to read more.`,
    'Only public http/https addresses work: internal, private-network and local addresses are refused.',
    `It cannot run JavaScript, log in, or read images, PDFs or other binary files (content types read: ${settings.allowedContentTypes.join(', ')}).`,
  ].join(' ');
}

function hostList(option: string, entries: readonly string[] | undefined): HostList | undefined {
  if (entries === undefined) return undefined;
  if (!Array.isArray(entries)) {
    throw new InvalidArgumentError({
      argument: option,
      message: `createWebFetchTool: ${option} must be an array of host names.`,
    });
  }
  try {
    return compileHostList(entries);
  } catch (error) {
    throw new InvalidArgumentError({
      argument: option,
      message: `createWebFetchTool: ${option}: ${(error as Error).message}.`,
      cause: error,
    });
  }
}

function addressRanges(entries: readonly string[] | undefined): AddressRange[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) {
    throw new InvalidArgumentError({
      argument: 'allowedAddressRanges',
      message: 'createWebFetchTool: allowedAddressRanges must be an array of CIDR ranges.',
    });
  }
  try {
    return parseAddressRanges(entries);
  } catch (error) {
    throw new InvalidArgumentError({
      argument: 'allowedAddressRanges',
      message: `createWebFetchTool: allowedAddressRanges: ${(error as Error).message}.`,
      cause: error,
    });
  }
}
