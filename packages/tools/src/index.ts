// @gemloop/tools: the one public barrel. Named re-exports only; one section per tool.

// --- calculator ---
export type {
  CalculatorErrorReason,
  CalculatorToolArgs,
  CalculatorToolOptions,
  CalculatorToolResult,
} from './calculator/index.ts';
export { CalculatorError, createCalculatorTool } from './calculator/index.ts';

// --- date and time ---
export type {
  AddToDateArgs,
  AddToDateResult,
  ConvertTimeArgs,
  ConvertTimeResult,
  CurrentTimeArgs,
  DateDifferenceArgs,
  DateDifferenceResult,
  DateTimeDescription,
  DateTimeErrorReason,
  DateTimeTools,
  DateTimeToolsOptions,
  DifferenceUnit,
} from './date-time/index.ts';
export { createDateTimeTools, DateTimeError } from './date-time/index.ts';

// --- web fetch ---
export type {
  LookupFunction,
  ResolvedAddress,
  WebFetchArgs,
  WebFetchErrorReason,
  WebFetchResult,
  WebFetchToolOptions,
} from './web-fetch/index.ts';
export {
  createWebFetchTool,
  DEFAULT_ALLOWED_CONTENT_TYPES,
  WebFetchError,
} from './web-fetch/index.ts';

// --- files ---
export type {
  FileEntry,
  FileToolErrorReason,
  FileTools,
  FileToolsOptions,
  FindFilesArgs,
  FindFilesResult,
  ListFilesArgs,
  ListFilesResult,
  ReadFileArgs,
  ReadFileResult,
  SearchTextArgs,
  SearchTextResult,
  TextMatch,
  WriteFileArgs,
  WriteFileResult,
} from './files/index.ts';
export { createFileTools, FileToolError } from './files/index.ts';

// --- mcp ---
export type { McpRequestHandlingClient } from './mcp/server-requests/answer-mcp-server-requests.ts';
export type { McpServerRequestOptions } from './mcp/server-requests/mcp-server-request-options.ts';
export type { McpTerminalAnswerOptions } from './mcp/elicitation/answer-mcp-elicitations-at-terminal.ts';
export { answerMcpElicitationsAtTerminal } from './mcp/elicitation/answer-mcp-elicitations-at-terminal.ts';
export { answerMcpServerRequests } from './mcp/server-requests/answer-mcp-server-requests.ts';
export type { ConnectMcpHttpOptions } from './mcp/connect/connect-mcp-http.ts';
export { connectMcpHttp } from './mcp/connect/connect-mcp-http.ts';
export type { ConnectMcpStdioOptions } from './mcp/connect/connect-mcp-stdio.ts';
export { connectMcpStdio } from './mcp/connect/connect-mcp-stdio.ts';
export type { McpToolResult } from './mcp/tools/call-mcp-tool.ts';
export { MCP_TOOL_CALL_ID_META_KEY } from './mcp/tools/call-mcp-tool.ts';
export type {
  McpSkippedTool,
  McpTool,
  McpTools,
  McpToolsOptions,
} from './mcp/tools/create-mcp-tools.ts';
export { createMcpTools, DEFAULT_MCP_TIMEOUT_MS } from './mcp/tools/create-mcp-tools.ts';
export type {
  McpCallToolResult,
  McpClient,
  McpContentBlock,
  McpListToolsResult,
  McpRequestOptions,
  McpToolInfo,
} from './mcp/tools/mcp-client.ts';
export type {
  McpElicitationBroker,
  McpElicitationBrokerOptions,
  McpElicitationEvent,
  McpElicitationPost,
  PendingMcpElicitation,
} from './mcp/elicitation/create-mcp-elicitation-broker.ts';
export { createMcpElicitationBroker } from './mcp/elicitation/create-mcp-elicitation-broker.ts';
export type { McpRunLink } from './mcp/server-requests/create-mcp-run-link.ts';
export {
  createMcpRunLink,
  MCP_RUN_LINK_PLUGIN_NAME,
} from './mcp/server-requests/create-mcp-run-link.ts';
export type {
  McpElicitationReport,
  McpElicitationReportField,
  McpElicitationResolvedReport,
} from './mcp/elicitation/mcp-elicitation-report.ts';
export type { McpCallInFlight } from './mcp/server-requests/mcp-calls-in-flight.ts';
export type { McpConnection, McpConnectOptions } from './mcp/connect/mcp-connection.ts';
export type {
  McpElicitationAnswer,
  McpElicitationContext,
  McpElicitationField,
  McpElicitationHandler,
  McpElicitationOptions,
  McpElicitationRequest,
  McpElicitationValue,
} from './mcp/elicitation/mcp-elicitation.ts';
export type { McpSamplingPolicy, McpSamplingRequest } from './mcp/server-requests/mcp-sampling.ts';
export { DEFAULT_MCP_SAMPLING_MAX_TOKENS } from './mcp/server-requests/mcp-sampling.ts';
export type { McpServerErrorReason } from './mcp/errors/mcp-server-error.ts';
export { McpServerError } from './mcp/errors/mcp-server-error.ts';
export type { McpToolCallErrorReason } from './mcp/errors/mcp-tool-call-error.ts';
export { McpToolCallError } from './mcp/errors/mcp-tool-call-error.ts';
export type { McpToolRename, McpToolRenameReason } from './mcp/tools/to-gemini-function-names.ts';
export { defaultMcpMediaTypes } from './mcp/tools/to-mcp-tool-output.ts';

// --- agent skills ---
export type {
  LoadSkillResult,
  LoadSkillsOptions,
  ReadSkillFileResult,
  Skill,
  SkillErrorReason,
  SkillsKit,
  SkillsOptions,
} from './skills/index.ts';
export { loadSkills, SkillError, skills } from './skills/index.ts';
