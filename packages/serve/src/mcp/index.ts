// @gemloop/serve/mcp: gemloop agents as MCP tools (ask_<agent>), over stdio or Streamable HTTP,
// with the official SDK (docs/serving-mcp.md).

export type { ConnectStdioOptions } from './connect-stdio.ts';
export { createMcpServer, LOCAL_OWNER, type McpDoor } from './create-mcp-server.ts';
export { McpDoorClosedError } from './mcp-door-closed-error.ts';
export type { FetchHandler } from './mcp-http-handler.ts';
export type { ExposedTool, McpServerOptions } from './mcp-server-options.ts';
