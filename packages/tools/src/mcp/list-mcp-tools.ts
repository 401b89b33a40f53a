import { boundErrorDetail, describeErrorChain } from './describe-error-chain.ts';
import type { McpClient, McpToolInfo } from './mcp-client.ts';
import { McpServerError } from './mcp-server-error.ts';

// The SDK's JSON-RPC code for a request past its time limit (`ErrorCode.RequestTimeout`).
const requestTimeoutCode = -32001;

// A server that keeps sending new cursors would otherwise page forever.
const maxPages = 1000;

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
          cause: error,
        });
      }
      throw new McpServerError({
        reason: 'list-failed',
        server,
        message: `Listing the tools of the MCP ${server} failed (page ${page}): ${boundErrorDetail(describeListError(error), redact)}`,
        cause: error,
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
    tools.push(...(pageTools as McpToolInfo[]));
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
