import {
  boundErrorDetail,
  describeErrorChain,
  redactError,
} from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import type { McpClient, McpToolInfo } from './mcp-client.ts';

// The SDK's JSON-RPC code for a request past its time limit (`ErrorCode.RequestTimeout`).
const requestTimeoutCode = -32001;

// A server that keeps sending new cursors would otherwise page forever.
const maxPages = 1000;

/**
 * The most tools one server may list. Gemini takes at most 512 function declarations a request,
 * so a longer list is only usable through `filter`; 10,000 leaves room for that, and stops a
 * server that sends a million (each one kept in memory and checked) before they are all read.
 */
export const MAX_MCP_LISTED_TOOLS = 10_000;

/**
 * Lists every tool of an MCP server, following `nextCursor` until the last page.
 *
 * @throws {@link McpServerError} (`list-failed`) when a page fails, is not a tool list, or the
 * server repeats a cursor.
 * @internal
 */
export async function listMcpTools({
  client,
  server,
  signal,
  timeoutMs,
  redact,
}: {
  client: McpClient;
  server: string;
  signal?: AbortSignal | undefined;
  /** Time limit of each page's request; the SDK's own (60 s) when not given. */
  timeoutMs?: number | undefined;
  redact: (text: string) => string;
}): Promise<McpToolInfo[]> {
  const requestOptions =
    signal === undefined && timeoutMs === undefined
      ? undefined
      : {
          ...(signal === undefined ? {} : { signal }),
          ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
        };
  const tools: McpToolInfo[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; page <= maxPages; page++) {
    let result: unknown;
    try {
      result = await client.listTools(
        cursor === undefined ? undefined : { cursor },
        requestOptions,
      );
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      if (
        timeoutMs !== undefined &&
        (error as { code?: unknown } | null)?.code === requestTimeoutCode
      ) {
        throw new McpServerError({
          reason: 'list-failed',
          server,
          message: `The MCP ${server} did not answer tools/list within ${timeoutMs} ms (page ${page}).`,
          cause: redactError(error, redact),
        });
      }
      throw new McpServerError({
        reason: 'list-failed',
        server,
        message: `Listing the tools of the MCP ${server} failed (page ${page}): ${boundErrorDetail(describeListError(error), redact)}`,
        // The message is redacted; so is the cause, which GemloopError.toJSON prints too.
        cause: redactError(error, redact),
      });
    }
    const { tools: pageTools, nextCursor } = (result ?? {}) as {
      tools?: unknown;
      nextCursor?: unknown;
    };
    if (!Array.isArray(pageTools)) {
      throw new McpServerError({
        reason: 'list-failed',
        server,
        message: `The MCP ${server} answered tools/list without a \`tools\` array (page ${page}).`,
      });
    }
    if (tools.length + pageTools.length > MAX_MCP_LISTED_TOOLS) {
      throw new McpServerError({
        reason: 'list-failed',
        server,
        message: `The MCP ${server} lists more than ${MAX_MCP_LISTED_TOOLS} tools (page ${page}); gemloop stops reading there. Ask the server for fewer (Gemini takes at most 512 declarations a request).`,
      });
    }
    // One by one: a spread of a page of a few hundred thousand tools overflows the call stack.
    for (const tool of pageTools as McpToolInfo[]) tools.push(tool);
    if (typeof nextCursor !== 'string' || nextCursor === '') return tools;
    if (seenCursors.has(nextCursor)) {
      throw new McpServerError({
        reason: 'list-failed',
        server,
        message: `The MCP ${server} sent the tools/list cursor ${JSON.stringify(nextCursor.slice(0, 100))} twice; stopping instead of looping forever.`,
      });
    }
    seenCursors.add(nextCursor);
    cursor = nextCursor;
  }
  throw new McpServerError({
    reason: 'list-failed',
    server,
    message: `The MCP ${server} sent more than ${maxPages} pages of tools; stopping.`,
  });
}

/**
 * The SDK checks `tools/list` with zod and throws a `ZodError` whose message is the whole issue
 * list as JSON; name the first issue instead (e.g. `tools.2.inputSchema.type: Invalid input`).
 */
function describeListError(error: unknown): string {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    const first = issues[0] as { path?: unknown; message?: unknown };
    const path = Array.isArray(first.path) ? first.path.join('.') : '';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : '';
    return `the answer does not match the MCP schema: ${path === '' ? '' : `${path}: `}${String(first.message)}${more}`;
  }
  return describeErrorChain(error);
}
