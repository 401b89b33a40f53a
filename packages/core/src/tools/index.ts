// @gemloop/core/tools: everything about tools beyond defining one. The tool types, the guards
// that tell them apart, the name rule, the schema conversion and its warnings, and the helpers
// that turn a tool's result or error into a function response. `defineTool`, `toolResult`,
// `jsonSchema` and the built-in tools are at the root too.

export type {
  FileSearchOptions,
  GoogleMapsOptions,
  GoogleSearchOptions,
} from './built-in-tools.ts';
export {
  codeExecution,
  fileSearch,
  googleMaps,
  googleSearch,
  urlContext,
} from './built-in-tools.ts';
export {
  assertValidToolName,
  isValidToolName,
  suggestToolName,
  TOOL_NAME_PATTERN,
} from './check-tool-name.ts';
export type {
  DefinedTool,
  DefineToolOptions,
  InferToolArgs,
  ToolSchemaFormat,
} from './define-tool.ts';
export { defineTool } from './define-tool.ts';
export { isBuiltinTool, isFunctionTool, isTool } from './is-function-tool.ts';
export type { JsonSchemaParameters } from './json-schema.ts';
export { jsonSchema } from './json-schema.ts';
export type { McpServerOptions } from './mcp-servers.ts';
export { mcpServers } from './mcp-servers.ts';
export type { ToolParameters, ToolParametersSource } from './resolve-tool-parameters.ts';
export type { SchemaPath, SchemaWarning } from './schema-warning.ts';
export type { StandardSchemaV1 } from './standard-schema.ts';
export type {
  ToFunctionResponseOptions,
  ToFunctionResponseResult,
} from './to-function-response.ts';
export { toFunctionResponse } from './to-function-response.ts';
export type { JsonValue } from './to-json-value.ts';
export type { ToOpenApiSchemaResult } from './to-open-api-schema.ts';
export { toOpenApiSchema } from './to-open-api-schema.ts';
export type {
  AnyTool,
  BuiltinTool,
  FunctionTool,
  ToolArgumentIssue,
  ToolArgumentsResult,
  ToolExecuteContext,
  ToolResultWithParts,
} from './tool.ts';
export type { ToolErrorResponseOptions } from './tool-error-response.ts';
export { formatToolArgumentIssues, toolErrorResponse } from './tool-error-response.ts';
export type { ToolResultMedia, ToolResultOptions } from './tool-result.ts';
export { isToolResultWithParts, toolResult } from './tool-result.ts';
