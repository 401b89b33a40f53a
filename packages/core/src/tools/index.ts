// @gemloop/core/tools: everything about tools beyond defining one. The tool types, the guards
// that tell them apart, the name rule, the schema conversion and its warnings, and the helpers
// that turn a tool's result or error into a function response. `defineTool`, `toolResult`,
// `jsonSchema` and the built-in tools are at the root too.

// filePart lives with the client (it uploads through gemini.files); here too, for tools that
// return large media.
export type { FilePartOptions, MediaPart } from '../http/files/file-part.ts';
export { DEFAULT_INLINE_LIMIT_BYTES, filePart } from '../http/files/file-part.ts';
// The types this entry's functions return, so a library that exports what it makes names them here.
export type { FunctionResponse } from '../wire/content.ts';
export type {
  FileSearchOptions,
  GoogleMapsOptions,
  GoogleSearchOptions,
} from './builtin/built-in-tools.ts';
export {
  codeExecution,
  fileSearch,
  googleMaps,
  googleSearch,
  urlContext,
} from './builtin/built-in-tools.ts';
export type {
  ComputerUseAction,
  ComputerUseExecutor,
  ComputerUseObservation,
  ComputerUseOptions,
  ComputerUseTool,
} from './builtin/computer-use.ts';
export { COMPUTER_USE_ACTIONS, computerUse } from './builtin/computer-use.ts';
export type { McpServerOptions } from './builtin/mcp-servers.ts';
export { mcpServers } from './builtin/mcp-servers.ts';
export type { SafetyDecision } from './builtin/safety-decision.ts';
export type {
  EnterpriseWebSearchOptions,
  ExaAiSearchOptions,
  ParallelAiSearchOptions,
  RetrievalOptions,
} from './builtin/vertex-grounding-tools.ts';
export {
  enterpriseWebSearch,
  exaAiSearch,
  parallelAiSearch,
  retrieval,
} from './builtin/vertex-grounding-tools.ts';
export {
  assertValidToolName,
  isValidToolName,
  suggestToolName,
  TOOL_NAME_PATTERN,
} from './define/check-tool-name.ts';
export { defineTool } from './define/define-tool.ts';
export type {
  DefinedTool,
  DefineToolOptions,
  InferToolArgs,
  ToolSchemaFormat,
} from './define/define-tool-options.ts';
export { isBuiltinTool, isFunctionTool, isTool } from './define/is-function-tool.ts';
export { preloadToolSchemas } from './define/preload-tool-schemas.ts';
export type { ToolParameters, ToolParametersSource } from './define/resolve-tool-parameters.ts';
export { allowUnsafePatterns } from './patterns/allow-unsafe-patterns.ts';
export type {
  ToFunctionResponseOptions,
  ToFunctionResponseResult,
} from './responses/to-function-response.ts';
export { toFunctionResponse } from './responses/to-function-response.ts';
export type { JsonValue } from './responses/to-json-value.ts';
export type { ToolErrorResponseOptions } from './responses/tool-error-response.ts';
export { formatToolArgumentIssues, toolErrorResponse } from './responses/tool-error-response.ts';
export type { ToolResultMedia, ToolResultOptions } from './responses/tool-result.ts';
export { isToolResultWithParts, toolResult } from './responses/tool-result.ts';
export { MAX_SCHEMA_NESTING } from './schema/inline-refs.ts';
export type { JsonSchemaParameters } from './schema/json-schema.ts';
export { jsonSchema } from './schema/json-schema.ts';
export type { SchemaPath, SchemaWarning } from './schema/schema-warning.ts';
export type { StandardSchemaV1 } from './schema/standard-schema.ts';
export type { ToOpenApiSchemaResult } from './schema/to-open-api-schema.ts';
export { toOpenApiSchema } from './schema/to-open-api-schema.ts';
export type {
  AnyTool,
  BuiltinTool,
  FunctionTool,
  ToolArgumentIssue,
  ToolArgumentsResult,
  ToolExecuteContext,
  ToolResultWithParts,
} from './tool.ts';
