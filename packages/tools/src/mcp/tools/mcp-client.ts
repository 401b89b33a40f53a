/**
 * A tool as an MCP server lists it (`tools/list`), with the fields gemloop reads. Servers may send
 * more; they are kept on the object.
 */
export type McpToolInfo = {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  /** A JSON Schema object (`type: 'object'` at the root, per the MCP spec). */
  inputSchema: { [keyword: string]: unknown };
  outputSchema?: { [keyword: string]: unknown } | undefined;
  annotations?:
    | {
        title?: string | undefined;
        readOnlyHint?: boolean | undefined;
        destructiveHint?: boolean | undefined;
        idempotentHint?: boolean | undefined;
        openWorldHint?: boolean | undefined;
      }
    | undefined;
};

/** One page of `tools/list`. */
export type McpListToolsResult = {
  tools: readonly McpToolInfo[];
  /** Present when more pages follow; pass it back as `cursor`. */
  nextCursor?: string | undefined;
};

/**
 * One content block of a tool result (`text`, `image`, `audio`, `resource`, `resource_link`, or a
 * type a newer server sends). Read leniently: gemloop checks each field before it uses it.
 */
export type McpContentBlock = { type: string; [field: string]: unknown };

/** The result of `tools/call`. */
export type McpCallToolResult = {
  content?: readonly McpContentBlock[] | undefined;
  structuredContent?: { [key: string]: unknown } | undefined;
  isError?: boolean | undefined;
  /** The result shape of protocol version 2024-10-07, kept for old servers. */
  toolResult?: unknown;
  [field: string]: unknown;
};

/** Per-request options the MCP SDK takes (`RequestOptions`). */
export type McpRequestOptions = {
  signal?: AbortSignal | undefined;
  /** The SDK's own time limit of one request, in milliseconds (its default is 60 s). */
  timeout?: number | undefined;
};

/**
 * What gemloop needs of an MCP client: a connected `Client` of `@modelcontextprotocol/sdk` (v1)
 * fits as it is. Declared here, structurally, so that `@gemloop/tools` neither loads nor needs the
 * SDK's types unless MCP is used.
 */
export interface McpClient {
  listTools(
    params?: { cursor?: string | undefined } | undefined,
    options?: McpRequestOptions | undefined,
  ): Promise<McpListToolsResult>;
  callTool(
    params: {
      name: string;
      arguments?: { [key: string]: unknown } | undefined;
      _meta?: { [key: string]: unknown } | undefined;
    },
    resultSchema?: undefined,
    options?: McpRequestOptions | undefined,
  ): Promise<McpCallToolResult>;
  close(): Promise<void>;
  /** The server's `serverInfo` from the handshake (name, version). */
  getServerVersion?: (() => { name: string; version: string } | undefined) | undefined;
}
