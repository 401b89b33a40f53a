import type { Logger } from '@gemloop/core';
import { silentLogger, version } from '@gemloop/core';
import type { McpTools, McpToolsOptions } from './create-mcp-tools.ts';
import { createMcpToolsWith } from './create-mcp-tools.ts';
import type { McpHttpSdk } from './load-mcp-sdk.ts';
import type { McpClient } from './mcp-client.ts';
import type { McpServerError } from './mcp-server-error.ts';

/** Options every `connectMcp*` function takes besides its transport's. */
export type McpConnectOptions = Omit<McpToolsOptions, 'closeClient'> & {
  /**
   * Time limit of the MCP handshake (`initialize`) in milliseconds. First starts of `npx`-installed
   * servers can be slow. @defaultValue 60000
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

/** The transport-specific parts of opening a connection. @internal */
export type OpenMcpConnectionOptions = {
  Client: McpHttpSdk['Client'];
  /** An SDK transport, not yet started. */
  transport: Parameters<InstanceType<McpHttpSdk['Client']>['connect']>[0];
  options: McpConnectOptions;
  /** How the server is named in errors and logs until it says its own name. */
  server: string;
  redact: (text: string) => string;
  /** Turns a failed handshake into a typed error (called after the client is closed). */
  toConnectError: (error: unknown) => Promise<McpServerError> | McpServerError;
  /** Runs before the client is closed (an HTTP session's `DELETE`); failures are only logged. */
  beforeClose?: (() => Promise<void>) | undefined;
};

const defaultConnectTimeoutMs = 60_000;

/**
 * Connects an SDK client over `transport`, lists the tools, and ties the tools' `close()` to one
 * idempotent close of the connection. On any failure the client is closed (for stdio, the process
 * is ended) before the error is thrown.
 * @internal
 */
export async function openMcpConnection({
  Client,
  transport,
  options,
  server,
  redact,
  toConnectError,
  beforeClose,
}: OpenMcpConnectionOptions): Promise<McpConnection> {
  const {
    connectTimeoutMs = defaultConnectTimeoutMs,
    clientInfo = { name: 'gemloop', version },
    logger = silentLogger,
    signal,
  } = options;
  const log: Logger = logger.child({ component: 'mcp', server });
  const client = new Client(clientInfo);
  let closed = false;
  let closing: Promise<void> | undefined;
  client.onclose = () => {
    if (closed) return;
    closed = true;
    log.warn({}, 'mcp server closed the connection');
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      try {
        await beforeClose?.();
      } catch (error) {
        log.warn({ err: redact(String(error)) }, 'mcp session end failed');
      }
      try {
        await client.close();
      } catch (error) {
        log.warn({ err: redact(String(error)) }, 'closing the mcp connection failed');
      }
    })();
    return closing;
  };

  try {
    await client.connect(
      transport,
      signal === undefined ? { timeout: connectTimeoutMs } : { timeout: connectTimeoutMs, signal },
    );
  } catch (error) {
    await close();
    if (signal?.aborted === true) throw signal.reason;
    throw await toConnectError(error);
  }
  const serverInfo = client.getServerVersion();
  let tools: McpTools;
  try {
    tools = await createMcpToolsWith(client as unknown as McpClient, options, {
      close,
      redact,
      isClosed: () => closed,
    });
  } catch (error) {
    await close();
    throw error;
  }
  if (log.isLevelEnabled?.('info') !== false) {
    log.info({ serverName: serverInfo?.name, tools: tools.tools.length }, 'mcp server connected');
  }
  return {
    ...tools,
    client,
    serverInfo:
      serverInfo === undefined ? undefined : { name: serverInfo.name, version: serverInfo.version },
    close,
    isClosed: () => closed,
  };
}
