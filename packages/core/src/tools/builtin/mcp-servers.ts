import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { McpServer } from '../../wire/request.ts';
import type { BuiltinTool } from '../tool.ts';

/** One remote MCP server for {@link mcpServers}. */
export type McpServerOptions = {
  /** The server's name, as the model sees it. */
  name: string;
  /** The streamable-HTTP endpoint, e.g. `https://api.example.com/mcp`. */
  url: string;
  /**
   * Headers Gemini sends to the server (authentication). They travel in the request body: keep
   * body logging (`trace`) off where these are secret.
   */
  headers?: Record<string, string> | undefined;
  /** Timeout of regular operations, a duration string such as `"30s"`. */
  timeout?: string | undefined;
  /** Timeout of SSE reads, a duration string such as `"300s"`. */
  sseReadTimeout?: string | undefined;
  /** Close the client session when the transport closes. */
  terminateOnClose?: boolean | undefined;
};

const DURATION = /^\d+(?:\.\d+)?s$/;

/**
 * Server-side MCP (`tools: [{ mcpServers: [{ name, streamableHttpTransport: { url, ... } }] }]`,
 * `@google/genai` 2.18.0 `Tool.mcpServers` / `McpServer` / `StreamableHttpTransport`; Gemini API
 * only, "not supported in Vertex AI"): Gemini itself calls the tools of remote MCP servers. The
 * model's turn then holds each call, the server's `functionResponse` and the answer; the agent
 * does not run those calls again (they are answered inside the turn).
 *
 * Unlike the other built-ins, it is never turned into a function fallback on models that cannot
 * combine built-ins with function declarations: it is sent as it is.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   gemini,
 *   model: 'gemini-2.5-flash',
 *   tools: [mcpServers({ name: 'weather', url: 'https://weather.example/mcp' })],
 * });
 * ```
 * @throws {@link InvalidArgumentError} for a missing name, a URL that is not http(s), a bad header
 * or duration.
 */
export function mcpServers(servers: McpServerOptions | readonly McpServerOptions[]): BuiltinTool {
  const list = Array.isArray(servers) ? servers : [servers];
  if (list.length === 0) {
    throw new InvalidArgumentError({
      argument: 'servers',
      message: 'mcpServers() needs at least one server { name, url }.',
    });
  }
  const names = new Set<string>();
  // Read by index: `map` keeps a sparse list's holes, and a hole went to the API as `null`.
  const wire: McpServer[] = [];
  for (let index = 0; index < list.length; index++) {
    const server: McpServerOptions | undefined = list[index];
    const at = Array.isArray(servers) ? `servers[${index}]` : 'server';
    if (typeof server !== 'object' || server === null) {
      throw invalid(at, `${at} must be an object { name, url }.`);
    }
    const { name, url, headers, timeout, sseReadTimeout, terminateOnClose } = server;
    if (typeof name !== 'string' || name.trim() === '') {
      throw invalid(`${at}.name`, `${at}.name must be a non-empty string naming the server.`);
    }
    if (names.has(name)) {
      throw invalid(
        `${at}.name`,
        `Two MCP servers are named ${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}...` : name)}; names must be unique.`,
      );
    }
    names.add(name);
    if (!isHttpUrl(url)) {
      throw invalid(
        `${at}.url`,
        `${at}.url must be the server's http(s) endpoint, e.g. "https://api.example.com/mcp".`,
      );
    }
    const transport: NonNullable<McpServer['streamableHttpTransport']> = { url };
    if (headers !== undefined) transport.headers = checkHeaders(headers, `${at}.headers`);
    for (const [key, value] of [
      ['timeout', timeout],
      ['sseReadTimeout', sseReadTimeout],
    ] as const) {
      if (value === undefined) continue;
      if (typeof value !== 'string' || !DURATION.test(value)) {
        throw invalid(`${at}.${key}`, `${at}.${key} must be a duration such as "30s".`);
      }
      transport[key] = value;
    }
    if (terminateOnClose !== undefined) {
      if (typeof terminateOnClose !== 'boolean') {
        throw invalid(`${at}.terminateOnClose`, `${at}.terminateOnClose must be a boolean.`);
      }
      transport.terminateOnClose = terminateOnClose;
    }
    wire.push({ name, streamableHttpTransport: transport });
  }
  return Object.freeze({ kind: 'builtin', type: 'mcpServers', tool: { mcpServers: wire } });
}

// RFC 9110 §5.1 (a token) and §5.5 (no CR, LF or NUL in a field value): what Gemini could not send
// on to the server, refused here rather than by a 400 that names the request.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;

/** A copy of `headers` if it maps header names to field values; never quotes a value (a secret). */
function checkHeaders(headers: unknown, at: string): Record<string, string> {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw invalid(
      at,
      `${at} must map header names to strings, such as { Authorization: 'Bearer ...' }.`,
    );
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(key)) {
      throw invalid(
        at,
        `${at} has a key that is no header name (letters, digits and !#$%&'*+.^_\`|~- only).`,
      );
    }
    if (typeof value !== 'string' || BAD_HEADER_VALUE.test(value)) {
      throw invalid(
        at,
        `${at} must map header names to strings without line breaks or NUL; ${key.slice(0, 60)}'s value is not one (not shown: it may be a secret).`,
      );
    }
    copy[key] = value;
  }
  return copy;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
