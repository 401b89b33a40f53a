import { InvalidArgumentError, UnsafePatternError } from '@gemloop/core/errors';
import { createScanMemo, cutTextNoted } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { preloadToolSchemas } from '@gemloop/core/tools';
import type { RunOwner } from '@gemloop/core/web';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { type BodyBudget, createBodyBudget } from '../door/body-budget.ts';
import { createDoorHistoryStore } from '../door/create-door-history-store.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { nestsDeeperThan } from '../door/nests-deeper-than.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import { askAgent, askInputSchema, askOutputSchema, type CallExtra } from './ask-agent.ts';
import { checkMcpOptions } from './check-mcp-options.ts';
import { type ConnectStdioOptions, connectStdio } from './connect-stdio.ts';
import { createMcpHttpHandler, type FetchHandler } from './mcp-http-handler.ts';
import type { ExposedTool, McpServerOptions } from './mcp-server-options.ts';
import { createOwnedSessions } from './owned-sessions.ts';
import { refuseIdsInFlight } from './refuse-ids-in-flight.ts';
import { refuseMalformedRequests } from './refuse-malformed-requests.ts';

/** How deep an exposed tool's arguments may nest: a tool's schema is never near it. */
const MAX_ARGUMENT_DEPTH = 64;

/** The owner of a stdio (or in-memory) connection when `connect` names none: its one caller. */
export const LOCAL_OWNER: RunOwner = 'local';

/** What {@link createMcpServer} returns: the agents as MCP tools, on any transport. */
export type McpDoor = {
  /**
   * Serves one client on `transport` (the SDK's `StdioServerTransport`, an `InMemoryTransport`,
   * ...), as `owner`: resolves once connected; the connection ends with the transport.
   */
  connect(transport: Transport, options?: { owner?: RunOwner | undefined }): Promise<Server>;
  /**
   * Serves the client that started this process on its stdin and stdout (Claude Desktop, Cursor,
   * VS Code), through the SDK's `StdioServerTransport`, each message (line) bounded by
   * `maxMessageBytes` (4 MiB): a longer one is answered with a JSON-RPC error, said on stderr,
   * given to `onError`, and the connection closed. Node only.
   * @throws {@link InvalidArgumentError} when `maxMessageBytes` is not a whole number of bytes.
   */
  connectStdio(options?: ConnectStdioOptions): Promise<Server>;
  /**
   * The Streamable HTTP door as a Fetch-API handler (mount it at one path, e.g. `/mcp`; on
   * `node:http` through `toNodeListener` of `@gemloop/serve/node`): each request authorized with
   * `authorize`, each MCP session its owner's.
   * @throws {@link InvalidArgumentError} when the door has no `authorize`.
   */
  handler(): FetchHandler;
  /** Closes every connection the door holds (HTTP sessions and `connect`ed transports). */
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
  const tools = new Map(settings.exposeTools.map((tool) => [tool.name, tool]));
  // What each exposed tool's schema needs before its parseArgs works (the pattern analysis, and
  // off Node a validator), started now and awaited by each call: no agent run awaits it here. A
  // rejection is reported by the calls that await it.
  const ready = new Map(
    settings.exposeTools.map((tool) => {
      const loading = preloadToolSchemas([tool]);
      loading.catch(() => {});
      return [tool.name, loading];
    }),
  );
  const listed: McpTool[] = [
    ...Object.keys(settings.agents).map((name) => ({
      name: `ask_${name}`,
      title: `Ask ${name}`,
      description: `Asks the gemloop agent "${name}" and answers with its reply. Pass sessionId to hold a conversation over several calls.`,
      inputSchema: askInputSchema as unknown as McpTool['inputSchema'],
      outputSchema: askOutputSchema as unknown as McpTool['outputSchema'],
    })),
    ...settings.exposeTools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: toolInputSchema(tool),
    })),
  ];
  const open = new Set<Server>();

  function createServer(owner: RunOwner): Server {
    const server = new Server(settings.serverInfo, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name, arguments: args } = request.params;
      const agentName = name.startsWith('ask_') ? name.slice(4) : undefined;
      const agent =
        agentName !== undefined && Object.hasOwn(settings.agents, agentName)
          ? settings.agents[agentName]
          : undefined;
      if (agentName !== undefined && agent !== undefined) {
        return askAgent(
          { agentName, agent, args, owner, extra },
          {
            sessions,
            onError,
            telemetry,
            scanned,
          },
        );
      }
      const tool = tools.get(name);
      if (tool === undefined) {
        throw new McpError(ErrorCode.InvalidParams, 'Unknown tool: tools/list names the tools.');
      }
      return callTool(tool, args, extra);
    });
    open.add(server);
    server.onclose = () => open.delete(server);
    return server;
  }

  async function callTool(
    tool: ExposedTool,
    args: Record<string, unknown> | undefined,
    extra: CallExtra,
  ): Promise<CallToolResult> {
    if (nestsDeeperThan(args, MAX_ARGUMENT_DEPTH)) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Invalid arguments for ${tool.name}: they nest deeper than ${MAX_ARGUMENT_DEPTH} levels.`,
      );
    }
    try {
      await ready.get(tool.name);
    } catch (error) {
      // An UnsafePatternError (or a validator that would not load): the caller gets fixed words,
      // the operator the error, which names the pattern and a rewrite.
      onError(error);
      const text = UnsafePatternError.isInstance(error)
        ? `${tool.name} is not served: its schema has a pattern that can backtrack super-linearly (the server was told which).`
        : `${tool.name} failed.`;
      return { isError: true, content: [{ type: 'text', text }] };
    }
    const parsed = tool.parseArgs(args ?? {});
    if (!parsed.success) {
      // The paths only: a value the caller sent is not echoed back (it may be a secret argument).
      const paths = parsed.issues.map((issue) => issue.path.join('.') || '(arguments)');
      throw new McpError(
        ErrorCode.InvalidParams,
        `Invalid arguments for ${tool.name} at: ${paths.slice(0, 10).join(', ')}.`,
      );
    }
    try {
      const result = await tool.execute(parsed.value, {
        signal: extra.signal,
        toolCallId: `mcp-${String(extra.requestId)}`,
        step: 0,
        logger: silentLogger,
        contents: [],
      });
      const text = cutTextNoted(toText(result), settings.maxToolResultChars);
      return { content: [{ type: 'text', text }] };
    } catch (error) {
      if (!extra.signal.aborted) onError(error);
      return { isError: true, content: [{ type: 'text', text: `${tool.name} failed.` }] };
    }
  }

  const http = createMcpHttpHandler({
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
    onError,
  });

  const connect: McpDoor['connect'] = async (transport, connectOptions) => {
    const server = createServer(connectOptions?.owner ?? LOCAL_OWNER);
    await server.connect(transport);
    refuseMalformedRequests(transport);
    refuseIdsInFlight(transport);
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
      await http?.close();
      await Promise.allSettled([...open].map((server) => server.close()));
    },
  };
}

function toolInputSchema(tool: ExposedTool): McpTool['inputSchema'] {
  const schema = tool.declaration.parametersJsonSchema ?? tool.declaration.parameters;
  return (
    schema !== undefined && typeof schema === 'object' ? schema : { type: 'object' }
  ) as McpTool['inputSchema'];
}

function toText(result: unknown): string {
  if (typeof result === 'string') return result;
  return JSON.stringify(result ?? null);
}
