import type { Logger } from '@gemloop/core';
import { version } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import type { AskUrl } from '../elicitation/url-elicitations.ts';
import { describeErrorChain, plainErrorDetail } from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { installServerRequestHandlers } from '../server-requests/install-server-request-handlers.ts';
import type { McpTools } from '../tools/create-mcp-tools.ts';
import { createMcpToolsWith } from '../tools/create-mcp-tools.ts';
import type { McpHttpSdk } from './load-mcp-sdk.ts';
import type { McpConnection, McpConnectOptions } from './mcp-connection.ts';

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
  /**
   * The error that closed the connection when gemloop's own cap did (an answer past
   * `maxResponseBytes`), worded for `server`; `undefined` otherwise.
   */
  closedBy?: ((server: string) => Error | undefined) | undefined;
  /** Runs before the client is closed (an HTTP session's `DELETE`); failures are only logged. */
  beforeClose?: (() => Promise<void>) | undefined;
};

/**
 * `connectTimeoutMs` when left out, declared once: the handshake's time limit, and what the
 * connect functions' timeout messages name. @internal
 */
export const DEFAULT_MCP_CONNECT_TIMEOUT_MS = 60_000;

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
  closedBy,
}: OpenMcpConnectionOptions): Promise<McpConnection> {
  const {
    connectTimeoutMs = DEFAULT_MCP_CONNECT_TIMEOUT_MS,
    clientInfo = { name: 'gemloop', version },
    logger = silentLogger,
    signal,
  } = options;
  const log: Logger = logger.child({ component: 'mcp', server });
  const client = new Client(clientInfo);
  let askUrl: AskUrl | undefined;
  if (options.elicitation !== undefined || options.sampling !== undefined) {
    // Loaded only here: the SDK is there (the client came from it), and most connections need
    // neither handler.
    askUrl = installServerRequestHandlers({
      client,
      types: await import('@modelcontextprotocol/sdk/types.js'),
      options,
      serverName: () => options.serverName ?? client.getServerVersion()?.name,
      redact,
      logger: log,
    });
  }
  // What the SDK drops (a stdout line that is not JSON: a server logging to stdout; an answer to
  // no request) it reports here, which nothing heard (attack43b). The text may quote the server's
  // bytes: plain, redacted and bounded.
  client.onerror = (error) => {
    if (log.isLevelEnabled?.('debug') === false) return;
    log.debug(
      { error: plainErrorDetail(describeErrorChain(error), redact) },
      'mcp message dropped',
    );
  };
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
    tools = await createMcpToolsWith(client, options, {
      close,
      redact,
      askUrl,
      isClosed: () => closed,
      closedBy,
      // Listing is part of connecting: a server that never answers it is refused as quickly as
      // one that never answers the handshake, not after the SDK's 60 s.
      listTimeoutMs: connectTimeoutMs,
    });
  } catch (error) {
    await close();
    const tooLarge = closedBy?.(server);
    if (tooLarge !== undefined) {
      throw new McpServerError({
        server,
        reason: 'list-failed',
        message: tooLarge.message,
        cause: tooLarge,
      });
    }
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
