import { InvalidArgumentError } from '@gemloop/core/errors';
import { createScanMemo } from '@gemloop/core/internal';
import type { RunOwner } from '@gemloop/core/web';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type BodyBudget, createBodyBudget } from '../door/body-budget.ts';
import { createDoorHistoryStore } from '../door/create-door-history-store.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import { preloadExposedTools } from './call-exposed-tool.ts';
import { type CancelledCalls, createCancelledCalls } from './cancelled-calls.ts';
import { checkMcpOptions, type McpSettings } from './check-mcp-options.ts';
import { type ConnectStdioOptions, connectStdio } from './connect-stdio.ts';
import { createToolServer, type ToolServerContext } from './create-tool-server.ts';
import { listMcpTools } from './list-mcp-tools.ts';
import { McpDoorClosedError } from './mcp-door-closed-error.ts';
import {
  createMcpHttpHandler,
  type FetchHandler,
  type McpHttpHandler,
} from './mcp-http-handler.ts';
import type { McpServerOptions } from './mcp-server-options.ts';
import { createOwnedSessions } from './owned-sessions.ts';
import { refuseIdsInFlight } from './refuse-ids-in-flight.ts';
import { refuseMalformedRequests } from './refuse-malformed-requests.ts';

/** The owner of a stdio (or in-memory) connection when `connect` names none: its one caller. */
export const LOCAL_OWNER: RunOwner = 'local';

/** What {@link createMcpServer} returns: the agents as MCP tools, on any transport. */
export type McpDoor = {
  /**
   * Serves one client on `transport` (the SDK's `StdioServerTransport`, an `InMemoryTransport`,
   * ...), as `owner`: resolves once connected; the connection ends with the transport.
   * @throws {@link McpDoorClosedError} after {@link McpDoor.close} (the transport is closed).
   */
  connect(transport: Transport, options?: { owner?: RunOwner | undefined }): Promise<Server>;
  /**
   * Serves the client that started this process on its stdin and stdout (Claude Desktop, Cursor,
   * VS Code), through the SDK's `StdioServerTransport`, each message (line) bounded by
   * `maxMessageBytes` (4 MiB): a longer one is answered with a JSON-RPC error, said on stderr,
   * given to `onError`, and the connection closed. Node only.
   * @throws {@link InvalidArgumentError} when `maxMessageBytes` is not a whole number of bytes.
   * @throws {@link McpDoorClosedError} after {@link McpDoor.close}.
   */
  connectStdio(options?: ConnectStdioOptions): Promise<Server>;
  /**
   * The Streamable HTTP door as a Fetch-API handler (mount it at one path, e.g. `/mcp`; on
   * `node:http` through `toNodeListener` of `@gemloop/serve/node`): each request authorized with
   * `authorize`, each MCP session its owner's.
   * @throws {@link InvalidArgumentError} when the door has no `authorize`.
   */
  handler(): FetchHandler;
  /**
   * Closes every connection the door holds (HTTP sessions and `connect`ed transports), their
   * calls' runs aborted; after it the door serves none: `connect` rejects, and the HTTP handler
   * answers 503.
   */
  close(): Promise<void>;
};

/**
 * Serves gemloop agents over the Model Context Protocol with the official SDK
 * (`@modelcontextprotocol/sdk`): each agent is the MCP tool `ask_<name>`, taking
 * `{ message, sessionId? }` and answering text; a `sessionId` continues a chat session of the
 * caller's own. Claude Desktop, Cursor, VS Code and any MCP client then use the agent as a tool.
 *
 * The run streams: a client that sends a `progressToken` gets `notifications/progress` for each
 * step and tool call; a client's `notifications/cancelled` (or a dropped HTTP connection)
 * aborts the run. A failed run answers `isError` with fixed words and a code, never the error's
 * message; the error goes to `onError`.
 *
 * @example
 * ```ts
 * const door = createMcpServer({ agents: { support: agent } });
 * await door.connectStdio();
 * ```
 * @throws {@link InvalidArgumentError} for options it cannot serve with.
 */
export function createMcpServer(options: McpServerOptions): McpDoor {
  return createMcpServerSharing(options, undefined);
}

/**
 * {@link createMcpServer} reading its HTTP bodies within `bodyBudget` when given (the one
 * `mountDoors` shares among the doors it mounts), else within a budget of its own of
 * `maxBodyBytesInFlight`.
 * @internal
 */
export function createMcpServerSharing(
  options: McpServerOptions,
  bodyBudget: BodyBudget | undefined,
): McpDoor {
  const settings = checkMcpOptions(options);
  const { onError } = settings;
  const sessions = createOwnedSessions({
    store: options.store ?? createDoorHistoryStore(),
    max: settings.maxSessions,
    onError,
  });
  const telemetry = createDoorTelemetry(options.tracerProvider);
  // The door's threads' texts found clean, so a thread's stored turns are not scanned for keys
  // again at each send (scrub47: a long thread's sends were quadratic in its length).
  const scanned = createScanMemo();
  const open = new Set<Server>();
  const context: ToolServerContext = {
    settings,
    listed: listMcpTools(settings),
    tools: new Map(settings.exposeTools.map((tool) => [tool.name, tool])),
    ask: { sessions, onError, telemetry, scanned },
    exposed: {
      ready: preloadExposedTools(settings.exposeTools),
      onError,
      maxToolResultChars: settings.maxToolResultChars,
    },
    open,
  };
  const createServer = (owner: RunOwner, calls: CancelledCalls): Server =>
    createToolServer(owner, context, calls);

  const http = createHttpDoor(settings, createServer, bodyBudget);

  let closed = false;
  const connect: McpDoor['connect'] = async (transport, connectOptions) => {
    if (closed) {
      await transport.close().catch(onError);
      throw new McpDoorClosedError({ operation: 'connect' });
    }
    const calls = createCancelledCalls();
    const server = createServer(connectOptions?.owner ?? LOCAL_OWNER, calls);
    await server.connect(transport);
    refuseMalformedRequests(transport);
    refuseIdsInFlight(transport);
    // Outermost: a cancel reaches the door's stop first, and the SDK's answer to a call the
    // door stopped is dropped before the id is freed (a cancelled id stays taken, as MCP asks).
    calls.watch(transport);
    if (closed) {
      // Closed while it connected: close() did not see this server.
      await server.close();
      throw new McpDoorClosedError({ operation: 'connect' });
    }
    return server;
  };

  return {
    connect,
    connectStdio: (stdioOptions = {}) => connectStdio(connect, stdioOptions, onError),
    handler() {
      if (http === undefined) {
        throw new InvalidArgumentError({
          argument: 'authorize',
          message:
            'The HTTP door needs authorize: createMcpServer({ agents, authorize: (request) => owner | null }).',
        });
      }
      return http.handler;
    },
    async close() {
      closed = true;
      await http?.close();
      await Promise.allSettled([...open].map((server) => server.close()));
    },
  };
}

/**
 * The door's Streamable HTTP handler (undefined without `authorize`), its bodies read within
 * `bodyBudget` when shared, else within a budget of the door's own.
 */
function createHttpDoor(
  settings: McpSettings,
  createServer: (owner: RunOwner, calls: CancelledCalls) => Server,
  bodyBudget: BodyBudget | undefined,
): McpHttpHandler | undefined {
  return createMcpHttpHandler({
    createServer,
    authorize: settings.authorize,
    protectedResource: settings.protectedResource,
    allowedOrigins: settings.allowedOrigins,
    allowedHosts: settings.allowedHosts,
    maxConnections: settings.maxConnections,
    sessionIdleMs: settings.sessionIdleMs,
    maxBodyBytes: settings.maxBodyBytes,
    budget:
      bodyBudget ??
      createBodyBudget(settings.maxBodyBytesInFlight, settings.maxBodyBytesInFlightPerCaller),
    bodyIdleTimeoutMs: settings.bodyIdleTimeoutMs,
    heartbeatMs: settings.heartbeatMs,
    limiter:
      settings.rateLimit === false
        ? undefined
        : createRateLimiter(settings.rateLimit, settings.now),
    onError: settings.onError,
  });
}
