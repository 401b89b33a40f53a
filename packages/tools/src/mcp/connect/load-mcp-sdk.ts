import { findErrorCode } from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';

type ClientModule = typeof import('@modelcontextprotocol/sdk/client/index.js');
type StdioModule = typeof import('@modelcontextprotocol/sdk/client/stdio.js');
type StreamableHttpModule = typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js');

/** The SDK classes a stdio connection needs. @internal */
export type McpStdioSdk = {
  Client: ClientModule['Client'];
  StdioClientTransport: StdioModule['StdioClientTransport'];
};

/** The SDK classes a streamable HTTP connection needs. @internal */
export type McpHttpSdk = {
  Client: ClientModule['Client'];
  StreamableHTTPClientTransport: StreamableHttpModule['StreamableHTTPClientTransport'];
};

/**
 * Loads the SDK's client and stdio transport. Dynamic on purpose: `@modelcontextprotocol/sdk` is an
 * optional peer, and importing `@gemloop/tools` must neither need it nor pay for loading it.
 * @internal
 */
export async function loadMcpStdioSdk(server: string): Promise<McpStdioSdk> {
  try {
    const [client, stdio] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/stdio.js'),
    ]);
    return { Client: client.Client, StdioClientTransport: stdio.StdioClientTransport };
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
    const [client, http] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
    return {
      Client: client.Client,
      StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    };
  } catch (error) {
    throw sdkMissing(server, error);
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
