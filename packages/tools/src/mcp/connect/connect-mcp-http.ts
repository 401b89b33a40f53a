import { InvalidArgumentError } from '@gemloop/core';
import {
  checkedWhereUsed,
  createSecretRedactor,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '@gemloop/core/internal';
import {
  boundErrorDetail,
  describeErrorChain,
  findErrorCode,
  redactError,
} from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { loadMcpHttpSdk } from './load-mcp-sdk.ts';
import type { McpConnection, McpConnectOptions } from './mcp-connection.ts';
import { mcpConnectChecks, mcpToolsChecks, stringRecordOption } from './mcp-option-checks.ts';
import { openMcpConnection } from './open-mcp-connection.ts';

/** The options of {@link connectMcpHttp}. */
export type ConnectMcpHttpOptions = McpConnectOptions & {
  /**
   * The server's streamable HTTP endpoint, e.g. `https://example.com/mcp`. Its user, password,
   * query values and path segments that look like keys (16+ characters of letters and digits, as
   * in `/s/<key>/mcp`) are kept out of errors and logs.
   */
  url: string | URL;
  /**
   * Headers sent with every request, e.g. `{ authorization: 'Bearer ...' }`. Their values (and
   * credentials in the URL) are kept out of errors and logs.
   */
  headers?: Record<string, string> | undefined;
  /** The fetch to use. @defaultValue `globalThis.fetch` at call time */
  fetch?: typeof globalThis.fetch | undefined;
};

/**
 * Connects to an MCP server over streamable HTTP and returns its tools with a `close()` that ends
 * the session (also every tool's `close()`, so closing the agent does). The older HTTP+SSE
 * transport (protocol 2024-11-05) is not spoken.
 *
 * @example
 * const github = await connectMcpHttp({
 *   url: 'https://api.githubcopilot.com/mcp/',
 *   headers: { authorization: `Bearer ${token}` },
 *   prefix: 'github_',
 * });
 *
 * @throws {@link McpServerError} `connect-failed` (unreachable, HTTP error status in `status`,
 * time-out), `list-failed`, `invalid-tool`, or `sdk-not-installed`.
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for an invalid URL or headers.
 */
export async function connectMcpHttp(options: ConnectMcpHttpOptions): Promise<McpConnection> {
  const url = checkOptions(options);
  const { headers, fetch } = options;
  const path = maskSecretPath(url.pathname);
  const server = `server at ${url.origin}${path.shown}`;
  const secrets = [...Object.values(headers ?? {}), ...path.secrets];
  if (url.username !== '') secrets.push(url.username, decodeURIComponent(url.username));
  if (url.password !== '') secrets.push(url.password, decodeURIComponent(url.password));
  for (const value of url.searchParams.values()) secrets.push(value);
  const redact = createSecretRedactor(secrets);
  const { Client, StreamableHTTPClientTransport } = await loadMcpHttpSdk(server);
  const transport = new StreamableHTTPClientTransport(url, {
    ...(headers === undefined ? {} : { requestInit: { headers: { ...headers } } }),
    // Resolved per request, so a fetch replaced after connecting (tests, instrumentation) applies.
    // Redirects are never followed: fetch would resend the caller's headers (API keys, tokens)
    // to wherever the server points; it drops only `Authorization`, and only across origins.
    fetch: async (input, init) => {
      const response = await (fetch ?? globalThis.fetch)(input, { ...init, redirect: 'manual' });
      if (response.status < 300 || response.status > 399) return response;
      await response.body?.cancel().catch(() => {});
      throw new Error(
        `The MCP ${server} answered HTTP ${response.status}, a redirect to ${describeLocation(response.headers.get('location'), url)}. ` +
          'gemloop does not follow redirects, because your headers would go with it: connect to that URL directly if you trust it.',
      );
    },
  });

  return openMcpConnection({
    Client,
    transport,
    options,
    server,
    redact,
    // Tell the server the session is over (a 405 means it keeps none); then the client closes.
    beforeClose: () => transport.terminateSession(),
    toConnectError: (error) => {
      const code = (error as { code?: unknown } | null)?.code;
      const status =
        typeof code === 'number' && code >= 100 && code <= 599
          ? code
          : (error as { name?: unknown } | null)?.name === 'UnauthorizedError'
            ? 401
            : undefined;
      const detail = boundErrorDetail(describeErrorChain(error), redact);
      const common = { server, status, cause: redactError(error, redact) };
      let message: string;
      if (status === 401 || status === 403) {
        message = `The MCP ${server} answered HTTP ${status}: check the credentials in \`headers\`.`;
      } else if (status === 404) {
        message = `The MCP ${server} answered HTTP 404: check the URL (streamable HTTP servers usually serve /mcp).`;
      } else if (status !== undefined) {
        message = `The MCP ${server} answered HTTP ${status} to the handshake${status === 405 ? ' (a server that only speaks the older HTTP+SSE transport answers so)' : ''}: ${detail}`;
      } else if (code === -32001) {
        message = `The MCP ${server} did not complete the MCP handshake within ${options.connectTimeoutMs ?? 60_000} ms.`;
      } else {
        const networkCode = findErrorCode(error);
        message =
          networkCode !== undefined && /^E[A-Z]+$|^UND_ERR/.test(networkCode)
            ? `Could not reach the MCP ${server} (${networkCode}): ${detail}`
            : `The MCP handshake with the ${server} failed: ${detail}`;
      }
      return new McpServerError({ ...common, reason: 'connect-failed', message });
    },
  });
}

/** The options of {@link connectMcpHttp}, declared once. @internal */
export const connectMcpHttpOptions: DeclaredOptions<ConnectMcpHttpOptions> =
  defineOptions<ConnectMcpHttpOptions>({
    name: 'connectMcpHttp',
    example: '{ url, headers }',
    checks: {
      ...mcpToolsChecks,
      ...mcpConnectChecks,
      // Parsed (and its scheme checked) below: the parsed URL is what connects.
      url: checkedWhereUsed,
      headers: stringRecordOption('connectMcpHttp headers must be an object of string values.'),
      fetch: functionOption('connectMcpHttp fetch must be a function.'),
    },
  });

function checkOptions(options: ConnectMcpHttpOptions): URL {
  const { url } = connectMcpHttpOptions.check(options);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The value itself is not quoted: a URL can carry a token.
    throw new InvalidArgumentError({
      argument: 'url',
      message: 'connectMcpHttp url is not a valid absolute URL, e.g. "https://example.com/mcp".',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError({
      argument: 'url',
      message: `connectMcpHttp url must be http: or https:, got ${parsed.protocol}.`,
    });
  }
  return parsed;
}

// A path segment that looks like a key: 16 or more characters with both letters and digits.
// `mcp`, `v1`, `api`, `sse` and other words stay readable.
const secretSegment = /^(?=[^/]*[A-Za-z])(?=[^/]*\d)[^/]{16,}$/;

/**
 * The URL path as errors and logs show it, with segments that look like keys replaced by
 * `[redacted]`, and those segments (as written and decoded) for the redactor. Hosted MCP servers
 * often put the user's key in the path (`/s/<key>/mcp`), where no header or query redaction
 * would find it.
 */
function maskSecretPath(pathname: string): { shown: string; secrets: string[] } {
  const secrets: string[] = [];
  const shown = pathname
    .split('/')
    .map((segment) => {
      if (!secretSegment.test(segment)) return segment;
      secrets.push(segment);
      try {
        secrets.push(decodeURIComponent(segment));
      } catch {
        // Not valid percent-encoding: the segment as written is what could be echoed.
      }
      return '[redacted]';
    })
    .join('/');
  return { shown, secrets };
}

/** Where a redirect points, without its query or credentials (they may hold tokens). */
function describeLocation(location: string | null, base: URL): string {
  if (location === null) return 'nowhere (no Location header)';
  try {
    const target = new URL(location, base);
    return `${target.origin}${maskSecretPath(target.pathname).shown}`;
  } catch {
    return 'an invalid Location';
  }
}
