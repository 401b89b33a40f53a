import type { McpServerRequestOptions } from '../server-requests/mcp-server-request-options.ts';
import type { McpTools, McpToolsOptions } from '../tools/create-mcp-tools.ts';
import type { McpClient } from '../tools/mcp-client.ts';

// Types only, apart from `open-mcp-connection.ts`, so that the public declarations never reference
// the SDK's types (an optional peer that may not be installed).

/** Options every `connectMcp*` function takes besides its transport's. */
export type McpConnectOptions = Omit<McpToolsOptions, 'closeClient'> &
  McpServerRequestOptions & {
    /**
     * Time limit of the MCP handshake (`initialize`), and of each page of the tool listing that
     * follows it, in milliseconds. First starts of `npx`-installed servers can be slow.
     * @defaultValue 60000
     */
    connectTimeoutMs?: number | undefined;
    /** How this client introduces itself to the server. @defaultValue `{ name: 'gemloop', version }` */
    clientInfo?: { name: string; version: string } | undefined;
  };

/** A live connection to an MCP server, with its tools. */
export type McpConnection = McpTools & {
  /**
   * The SDK `Client` (typed by what gemloop uses); cast it to the SDK's `Client` for resources,
   * prompts or other requests.
   */
  client: McpClient;
  /** The server's `serverInfo` from the handshake. */
  serverInfo: { name: string; version: string } | undefined;
  /**
   * Closes the connection (for stdio, ends the server process). The same function is every tool's
   * `close()`, so closing the agent closes it; calling it again does nothing.
   */
  close(): Promise<void>;
  /** Whether the connection is closed: by `close()`, or by the server exiting or hanging up. */
  isClosed(): boolean;
};
