import type { RunOwner } from '@gemloop/core/web';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { askAgent, type CallExtra } from './ask-agent.ts';
import { callExposedTool, type ExposedToolContext } from './call-exposed-tool.ts';
import type { CancelledCalls } from './cancelled-calls.ts';
import type { McpSettings } from './check-mcp-options.ts';
import type { ExposedTool } from './mcp-server-options.ts';

/** What {@link createToolServer} serves with: one door's tools and state. @internal */
export type ToolServerContext = {
  settings: Pick<McpSettings, 'serverInfo' | 'agents'>;
  /** What `tools/list` answers (`listMcpTools`). */
  listed: McpTool[];
  /** The exposed tools by name. */
  tools: ReadonlyMap<string, ExposedTool>;
  /** What each `ask_<agent>` call runs with. */
  ask: Parameters<typeof askAgent>[1];
  /** What each exposed tool's call runs with. */
  exposed: ExposedToolContext;
  /** The door's open servers: the new one is added, and removed when it closes. */
  open: Set<Server>;
};

/**
 * One MCP server of the door for `owner` (one per connection or HTTP session): `tools/list`
 * answers `listed`; `tools/call` runs the agent of an `ask_<name>` call or the exposed tool named,
 * stopped when the connection's `calls` hears it cancelled.
 * @internal
 */
export function createToolServer(
  owner: RunOwner,
  context: ToolServerContext,
  calls: CancelledCalls,
): Server {
  const { settings, listed, open } = context;
  const server = new Server(settings.serverInfo, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request, sdkExtra) => {
    const running = calls.begin(sdkExtra.requestId, sdkExtra.signal);
    try {
      return await callTool(owner, context, request.params, {
        ...sdkExtra,
        signal: running.signal,
      });
    } finally {
      running.end();
    }
  });
  open.add(server);
  server.onclose = () => open.delete(server);
  return server;
}

/** A `tools/call`: the agent of an `ask_<name>` call, or the exposed tool named. */
async function callTool(
  owner: RunOwner,
  context: ToolServerContext,
  params: { name: string; arguments?: Record<string, unknown> | undefined },
  extra: CallExtra,
): Promise<CallToolResult> {
  const { settings, tools } = context;
  const { name, arguments: args } = params;
  const agentName = name.startsWith('ask_') ? name.slice(4) : undefined;
  const agent =
    agentName !== undefined && Object.hasOwn(settings.agents, agentName)
      ? settings.agents[agentName]
      : undefined;
  if (agentName !== undefined && agent !== undefined) {
    return await askAgent({ agentName, agent, args, owner, extra }, context.ask);
  }
  const tool = tools.get(name);
  if (tool === undefined) {
    throw new McpError(ErrorCode.InvalidParams, 'Unknown tool: tools/list names the tools.');
  }
  return await callExposedTool(tool, args, extra, context.exposed);
}
