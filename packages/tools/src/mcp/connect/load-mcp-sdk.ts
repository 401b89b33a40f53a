import { findErrorCode } from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { keepStructuredContent, type McpResultSchema } from '../tools/keep-structured-content.ts';
import type { McpStdioTransport } from './mcp-stdio-transport.ts';

type ClientModule = typeof import('@modelcontextprotocol/sdk/client/index.js');
type StreamableHttpModule = typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js');

/** The SDK client and the stdio transport (gemloop's, on the SDK's stdio helpers). @internal */
export type McpStdioSdk = {
  Client: ClientModule['Client'];
  McpStdioTransport: typeof McpStdioTransport;
};

/** The SDK classes a streamable HTTP connection needs. @internal */
export type McpHttpSdk = {
  Client: ClientModule['Client'];
  StreamableHTTPClientTransport: StreamableHttpModule['StreamableHTTPClientTransport'];
  /** Whether the SDK's JSON-RPC schema accepts a message (it drops or throws on one it refuses). */
  isJsonRpcMessage: (message: unknown) => boolean;
};

/**
 * Loads the SDK's client and the stdio transport, which imports the SDK's stdio helpers. Dynamic on
 * purpose: `@modelcontextprotocol/sdk` is an optional peer, and importing `@gemloop/tools` must
 * neither need it nor pay for loading it.
 * @internal
 */
export async function loadMcpStdioSdk(server: string): Promise<McpStdioSdk> {
  try {
    const [client, stdio] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('./mcp-stdio-transport.ts'),
    ]);
    return { Client: client.Client, McpStdioTransport: stdio.McpStdioTransport };
  } catch (error) {
    throw sdkMissing(server, error);
  }
}

/**
 * Loads the SDK's client and streamable HTTP transport (see {@link loadMcpStdioSdk}).
 * @internal
 */
export async function loadMcpHttpSdk(server: string): Promise<McpHttpSdk> {
  try {
    const [client, http, types] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ]);
    return {
      Client: client.Client,
      StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
      isJsonRpcMessage: (message) => types.JSONRPCMessageSchema.safeParse(message).success,
    };
  } catch (error) {
    throw sdkMissing(server, error);
  }
}

/**
 * The result schema of `tools/call` gemloop passes the SDK: its own, with `structuredContent`
 * kept as read (see {@link keepStructuredContent}). `undefined` when the SDK cannot be loaded:
 * then the client is one of the app's own making, which reads results its own way.
 * @internal
 */
export async function loadMcpToolResultSchema(): Promise<McpResultSchema | undefined> {
  try {
    const { CallToolResultSchema } = await import('@modelcontextprotocol/sdk/types.js');
    return keepStructuredContent(CallToolResultSchema);
  } catch {
    return undefined;
  }
}

function sdkMissing(server: string, error: unknown): McpServerError {
  // Loaders and bundlers may wrap the error, so the code is looked for along the cause chain.
  const code = findErrorCode(error);
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return new McpServerError({
    reason: 'sdk-not-installed',
    server,
    message: missing
      ? 'Connecting to an MCP server needs the MCP SDK, an optional peer dependency of @gemloop/tools: ' +
        'install it with `npm install @modelcontextprotocol/sdk`.'
      : `Loading the MCP SDK (@modelcontextprotocol/sdk) failed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}
