import { InvalidArgumentError } from '@gemloop/core';
import { ResponseTooLargeError } from '@gemloop/core/errors';
import {
  booleanOption,
  capResponseBody,
  checkedWhereUsed,
  checkOptionsCopy,
  copiedOption,
  createSecretRedactor,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  integerOption,
  redirectTarget,
  refuseClearTextHttp,
} from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import {
  boundErrorDetail,
  describeErrorChain,
  findErrorCode,
  redactError,
} from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { RESPONSE_TOO_LARGE } from '../errors/to-mcp-call-error.ts';
import { answerInvalidEvents } from './answer-invalid-events.ts';
import { answerInvalidJson } from './answer-invalid-json.ts';
import { loadMcpHttpSdk } from './load-mcp-sdk.ts';
import type { McpConnection, McpConnectOptions } from './mcp-connection.ts';
import { mcpConnectChecks, mcpToolsChecks, stringRecordOption } from './mcp-option-checks.ts';
import { oneStreamPerSession } from './one-stream-per-session.ts';
import { DEFAULT_MCP_CONNECT_TIMEOUT_MS, openMcpConnection } from './open-mcp-connection.ts';
import { renewForgottenSession } from './renew-forgotten-session.ts';

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
  /**
   * Take a plain `http://` `url` on a host that is not loopback: the `headers`, the tool calls
   * and their results then cross the network in clear text. Without it such a URL is refused
   * with an `InvalidArgumentError`, as `createGemini` refuses such a `baseUrl`; `localhost`,
   * `127.0.0.0/8` and `[::1]` need no opt-in. Only for a trusted private network.
   * @defaultValue false
   */
  allowInsecureHttp?: boolean | undefined;
  /** The fetch to use. @defaultValue `globalThis.fetch` at call time */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * The most bytes of one answer of the server: a JSON body, or one event of an event stream (a
   * stream stays open for any number of events below it). Past it the rest is not read and the
   * call fails with `McpToolCallError` `response-too-large` naming the server and the cap
   * (while connecting, `McpServerError`). Raise it for a server whose answers are genuinely
   * larger.
   * @defaultValue 16777216 (16 MiB: sixteen times the text of Gemini's largest context window, so
   * an answer past it could not be handed on to the model anyway)
   */
  maxResponseBytes?: number | undefined;
};

/**
 * 16 MiB: Gemini's largest context window is 1,048,576 tokens, about 4 MB of text
 * (https://ai.google.dev/gemini-api/docs/models, https://ai.google.dev/gemini-api/docs/tokens).
 */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

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
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for an invalid URL or
 * headers, or a plain `http://` URL on a host that is not loopback without `allowInsecureHttp`.
 */
export async function connectMcpHttp(given: ConnectMcpHttpOptions): Promise<McpConnection> {
  const { options, url } = checkOptions(given);
  const { headers, fetch } = options;
  const path = maskSecretPath(url.pathname);
  const server = `server at ${url.origin}${path.shown}`;
  const secrets = [...Object.values(headers ?? {}), ...path.secrets];
  if (url.username !== '') secrets.push(url.username, decodeURIComponent(url.username));
  if (url.password !== '') secrets.push(url.password, decodeURIComponent(url.password));
  for (const value of url.searchParams.values()) secrets.push(value);
  const redact = createSecretRedactor(secrets);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const { Client, StreamableHTTPClientTransport, isJsonRpcMessage } = await loadMcpHttpSdk(server);
  const transport = new StreamableHTTPClientTransport(url, {
    ...(headers === undefined ? {} : { requestInit: { headers: { ...headers } } }),
    // Resolved per request, so a fetch replaced after connecting (tests, instrumentation) applies.
    // Redirects are never followed: fetch would resend the caller's headers (API keys, tokens)
    // to wherever the server points; it drops only `Authorization`, and only across origins.
    // A session the server forgot (a 404) is renewed once, as the transport spec says; the
    // transport sends the renewal's `notifications/initialized`, and so opens the new session's
    // stream of server notifications as it does after the first handshake.
    // One standalone stream a session: the SDK's reconnection of a stream the restart ended,
    // fired after the renewal opened the new session's, is answered here (see the file).
    fetch: renewForgottenSession(
      oneStreamPerSession({
        onRefused: refusedStream,
        fetch: async (input, init) => {
          const response = await (fetch ?? globalThis.fetch)(input, {
            ...init,
            redirect: 'manual',
          });
          if (response.status < 300 || response.status > 399) {
            const capped = capAnswer(response, init?.body, {
              server,
              maxBytes,
              url,
              path: path.shown,
            });
            const type = capped.headers.get('content-type') ?? '';
            if (capped.body === null) return capped;
            // An answer to a call in a shape the SDK refuses fails that call now, naming what was
            // wrong: an event of a stream (the SDK dropped it, attack43b), a JSON body (the SDK threw
            // its raw issue list, leftovers47).
            if (capped.ok && /^\s*application\/json\s*(;|$)/i.test(type))
              return answerInvalidJson(capped, isJsonRpcMessage);
            if (!/^\s*text\/event-stream\s*(;|$)/i.test(type)) return capped;
            return new Response(answerInvalidEvents(capped.body), {
              status: capped.status,
              statusText: capped.statusText,
              headers: capped.headers,
            });
          }
          await response.body?.cancel().catch(() => {});
          throw new Error(
            `The MCP ${server} answered HTTP ${response.status}, a redirect to ${describeLocation(response.headers.get('location'), url)}. ` +
              'gemloop does not follow redirects, because your headers would go with it: connect to that URL directly if you trust it.',
          );
        },
      }),
      sendInitialized,
    ),
  });
  function refusedStream(): void {
    (options.logger ?? silentLogger)
      .child({ component: 'mcp', server })
      .debug({}, 'mcp stream of server messages already open; a second one not opened');
  }
  function sendInitialized(): Promise<void> {
    return transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

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
        message = `The MCP ${server} did not complete the MCP handshake within ${options.connectTimeoutMs ?? DEFAULT_MCP_CONNECT_TIMEOUT_MS} ms.`;
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
      // Copied by checkOptionsCopy, each value read once (attack20: a value that changed at each
      // read gave the secret redactor one token and the server another).
      headers: copiedOption(
        stringRecordOption('connectMcpHttp headers must be an object of string values.'),
      ),
      fetch: functionOption('connectMcpHttp fetch must be a function.'),
      allowInsecureHttp: booleanOption(),
      maxResponseBytes: integerOption({
        min: 1,
        message: (_path, value) =>
          `connectMcpHttp maxResponseBytes must be a positive whole number of bytes, such as 67108864 (64 MiB); got ${JSON.stringify(value) ?? String(value)}.`,
      }),
    },
  });

/**
 * The options, copied (each read once, attack17: a getter could pass the check and then change
 * the headers; and each header value, attack20: a value that changed at each read gave the secret
 * redactor one token and the server another, which a refusal quoting it showed) and checked, and
 * the parsed URL.
 */
function checkOptions(given: ConnectMcpHttpOptions): { options: ConnectMcpHttpOptions; url: URL } {
  const options = checkOptionsCopy(connectMcpHttpOptions, given);
  const { url } = options;
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
  // The headers, the tool calls and their results: plain http only to loopback, as
  // createGemini's key.
  refuseClearTextHttp(parsed, {
    who: 'connectMcpHttp',
    argument: 'url',
    what: 'your headers and the tool calls',
    allowInsecureHttp: options.allowInsecureHttp,
  });
  return { options, url: parsed };
}

/**
 * The server's answer, read with the cap: the MCP SDK reads a JSON body whole and an event stream
 * with no bound on an event. A JSON body past it fails with a `ResponseTooLargeError` (the call's
 * `send` rejects, so the call does). An event past it ends the stream with a JSON-RPC error for
 * each request of the POST (the SDK does not fail a call whose stream breaks: it would wait for
 * its time limit), marked so `toMcpCallError` reads it as `response-too-large`; the standalone
 * `GET` stream, which answers no request, just fails.
 */
function capAnswer(
  response: Response,
  body: unknown,
  where: { server: string; maxBytes: number; url: URL; path: string },
): Response {
  const { server, maxBytes } = where;
  return capResponseBody(response, {
    maxBytes,
    perEvent: true,
    tooLarge: (receivedBytes) => {
      const message = `The MCP ${server} answered with more than ${maxBytes} bytes (a JSON body, or one event of its stream): the rest was not read. Raise maxResponseBytes in connectMcpHttp if its answers are genuinely that large.`;
      const ids = requestIdsOf(body);
      if (ids.length === 0 || !/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        return new ResponseTooLargeError({
          message,
          url: `${where.url.origin}${where.path}`,
          method: 'mcp',
          status: response.status,
          maxBytes,
          receivedBytes,
        });
      }
      const data = { [RESPONSE_TOO_LARGE]: true, maxBytes, receivedBytes };
      return {
        endWith: ids
          .map(
            (id) =>
              `\n\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message, data } })}\n\n`,
          )
          .join(''),
      };
    },
  });
}

/** The ids of the JSON-RPC requests in a POST body the SDK made (none for a notification). */
function requestIdsOf(body: unknown): (string | number)[] {
  if (typeof body !== 'string') return [];
  try {
    const parsed = JSON.parse(body) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]).flatMap((message) => {
      const id = (message as { id?: unknown; method?: unknown } | null)?.id;
      return typeof id === 'string' || typeof id === 'number' ? [id] : [];
    });
  } catch {
    return [];
  }
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

/** Where a redirect points, without its query or credentials, its secret path segments masked. */
function describeLocation(location: string | null, base: URL): string {
  return redirectTarget(location, base, (path) => maskSecretPath(path).shown);
}
