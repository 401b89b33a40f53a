// @gemloop/core: the one public barrel. Named re-exports only; each area keeps its own section.
// This is the portable entry (browsers, workers, edge runtimes): no Node built-in is reachable
// from it. The Node-only values (file store, run recorder) are added by `index.node.ts`, which
// Node, Bun and Deno load through the `node` export condition; their types stay here.

export type { ApiCallErrorOptions } from './errors/api-call-error.ts';
// --- errors ---
export { ApiCallError } from './errors/api-call-error.ts';
export type { GemloopErrorOptions } from './errors/gemloop-error.ts';
export { GemloopError } from './errors/gemloop-error.ts';
export { InvalidArgumentError } from './errors/invalid-argument-error.ts';
export { MissingApiKeyError } from './errors/missing-api-key-error.ts';
export type { ResponseTooLargeErrorOptions } from './errors/response-too-large-error.ts';
export { ResponseTooLargeError } from './errors/response-too-large-error.ts';
export type { StreamErrorReason } from './errors/stream-error.ts';
export { StreamError } from './errors/stream-error.ts';
export { TimeoutError } from './errors/timeout-error.ts';
// --- client (http, retry) ---
export type {
  CacheExpiration,
  Caches,
  CreateCacheRequest,
  ListCachesOptions,
} from './http/gemini.ts';
export { createGemini } from './http/create-gemini.ts';
export type { VertexAccessToken, VertexOptions } from './http/vertex-options.ts';
export type { VertexAuthErrorReason } from './errors/vertex-auth-error.ts';
export { VertexAuthError } from './errors/vertex-auth-error.ts';
export type { AuthStyle } from './errors/credential-style.ts';
export type {
  CallOptions,
  CountTokensRequest,
  CreateGeminiOptions,
  Gemini,
  ListModelsOptions,
  ResponseInfo,
} from './http/gemini.ts';
export type { RetryOptions } from './retry/retry-options.ts';
export type { TransportOption } from './http/transport.ts';
// --- logging ---
export type { CreateLoggerOptions, LogLevel } from './logging/create-logger.ts';
export { createLogger } from './logging/create-logger.ts';
export type { Logger, LogMethod } from './logging/logger.ts';
export { silentLogger } from './logging/logger.ts';
export type { ModelCapabilities } from './models/model-capabilities.ts';
// --- models ---
export { getModelCapabilities } from './models/model-capabilities.ts';
export { getMinCacheTokens } from './models/min-cache-tokens.ts';
export { version } from './version.ts';
// --- run recorder ---
export type { RunRecorder, RunRecorderOptions } from './recorder/create-run-recorder.ts';
export type { RecordedError, RecordedRunLine } from './recorder/recorded-run.ts';
export { RECORDED_RUN_FORMAT } from './recorder/recorded-run.ts';
// --- telemetry ---
export type {
  ModelCallInfo,
  ModelCallObservation,
  RunObservation,
  RunObserver,
  RunStartInfo,
  ToolCallInfo,
  ToolCallObservation,
} from './telemetry/run-observer.ts';
export { toolTypeKey } from './telemetry/run-observer.ts';
export type { SemconvDialect } from './telemetry/semconv-dialect.ts';
export type { OtelMeterProvider, OtelTracerProvider } from './telemetry/otel-provider-types.ts';
export type { TelemetryOptions } from './telemetry/telemetry-options.ts';
// --- wire format ---
export type {
  Blob,
  CodeExecutionResult,
  CodeLanguage,
  Content,
  ExecutableCode,
  FileData,
  FunctionCall,
  FunctionResponse,
  FunctionResponsePart,
  FunctionResponseScheduling,
  MediaResolution,
  Outcome,
  Part,
  PartialArg,
  PartMediaResolution,
  PartMediaResolutionLevel,
  Role,
  ToolCall,
  ToolResponse,
  ToolType,
  VideoMetadata,
} from './wire/content.ts';
export type {
  BadRequest,
  DebugInfo,
  ErrorInfo,
  GoogleErrorBody,
  GoogleErrorDetail,
  Help,
  LocalizedMessage,
  QuotaFailure,
  RetryInfo,
  UnknownErrorDetail,
} from './wire/error-body.ts';
export type {
  CountTokensBody,
  CountTokensResponse,
  ListModelsResponse,
  Model,
} from './wire/models.ts';
export type { CachedContent, ListCachedContentsResponse } from './wire/cached-content.ts';
export type { OpenString } from './wire/open-string.ts';
export { readServiceTier } from './wire/read-service-tier.ts';
export { SERVICE_TIER_HEADER, type ServiceTier } from './wire/service-tier.ts';
export type {
  FileSearch,
  FunctionCallingConfig,
  FunctionCallingMode,
  FunctionDeclaration,
  GenerateContentBody,
  GenerateContentRequest,
  GenerationConfig,
  GoogleMaps,
  GoogleSearch,
  HarmBlockThreshold,
  HarmCategory,
  Interval,
  LatLng,
  Modality,
  SafetySetting,
  ThinkingConfig,
  ThinkingLevel,
  Tool,
  ToolConfig,
} from './wire/request.ts';
export type {
  BlockReason,
  Candidate,
  CandidateContent,
  Citation,
  CitationMetadata,
  FinishReason,
  GenerateContentResponse,
  GroundingChunk,
  GroundingMetadata,
  GroundingSupport,
  HarmProbability,
  ModalityTokenCount,
  PromptFeedback,
  SafetyRating,
  UrlContextMetadata,
  UrlRetrievalStatus,
  UsageMetadata,
} from './wire/response.ts';
export type { JsonSchema, Schema, SchemaType } from './wire/schema.ts';

// --- streaming ---
export type { StreamAccumulator } from './streaming/create-stream-accumulator.ts';
export { createStreamAccumulator } from './streaming/create-stream-accumulator.ts';
export { foldStream } from './streaming/fold-stream.ts';
export type { ParseGenerateContentResponseResult } from './wire/parse-generate-content-response.ts';
export { parseGenerateContentResponse } from './wire/parse-generate-content-response.ts';

// --- history ---
export type { FillMissingThoughtSignaturesOptions } from './history/thought-signatures/fill-missing-thought-signatures.ts';
export { fillMissingThoughtSignatures } from './history/thought-signatures/fill-missing-thought-signatures.ts';
export { findActiveLoopStart } from './history/find-active-loop-start.ts';
export type { HistoryIssue, HistoryIssueCode } from './history/history-issue.ts';
export type { HistoryTurn } from './history/history-turn.ts';
export type { RequiredThoughtSignature } from './history/thought-signatures/list-required-thought-signatures.ts';
export {
  listRequiredThoughtSignatures,
  needsThoughtSignature,
} from './history/thought-signatures/list-required-thought-signatures.ts';
export {
  CONTEXT_ENGINEERING_THOUGHT_SIGNATURE,
  isThoughtSignatureBypass,
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
} from './history/thought-signatures/thought-signature-bypass.ts';
export { stripThoughtSignatures } from './history/thought-signatures/strip-thought-signatures.ts';
export type { ValidateHistoryOptions } from './history/validate-history.ts';
export { validateHistory } from './history/validate-history.ts';
export type {
  FileSearchOptions,
  GoogleMapsOptions,
  GoogleSearchOptions,
} from './tools/built-in-tools.ts';
export {
  codeExecution,
  fileSearch,
  googleMaps,
  googleSearch,
  urlContext,
} from './tools/built-in-tools.ts';
export type { McpServerOptions } from './tools/mcp-servers.ts';
export { mcpServers } from './tools/mcp-servers.ts';
export {
  assertValidToolName,
  isValidToolName,
  suggestToolName,
  TOOL_NAME_PATTERN,
} from './tools/check-tool-name.ts';
export type {
  DefinedTool,
  DefineToolOptions,
  InferToolArgs,
  ToolSchemaFormat,
} from './tools/define-tool.ts';
export { defineTool } from './tools/define-tool.ts';
export { InvalidToolResultError } from './tools/invalid-tool-result-error.ts';
export { isBuiltinTool, isFunctionTool, isTool } from './tools/is-function-tool.ts';
export type { JsonSchemaParameters } from './tools/json-schema.ts';
export { jsonSchema } from './tools/json-schema.ts';
export type { ToolParameters, ToolParametersSource } from './tools/resolve-tool-parameters.ts';
export type { SchemaPath, SchemaWarning } from './tools/schema-warning.ts';
export type { StandardSchemaV1 } from './tools/standard-schema.ts';
export type {
  ToFunctionResponseOptions,
  ToFunctionResponseResult,
} from './tools/to-function-response.ts';
export { toFunctionResponse } from './tools/to-function-response.ts';
export type { JsonValue } from './tools/to-json-value.ts';
export type { ToOpenApiSchemaResult } from './tools/to-open-api-schema.ts';
export { OPEN_API_SCHEMA_KEYS, toOpenApiSchema } from './tools/to-open-api-schema.ts';
// --- tools ---
export type {
  AnyTool,
  BuiltinTool,
  FunctionTool,
  ToolArgumentIssue,
  ToolArgumentsResult,
  ToolExecuteContext,
  ToolResultWithParts,
} from './tools/tool.ts';
export type { ToolErrorResponseOptions } from './tools/tool-error-response.ts';
export {
  formatToolArgumentIssues,
  toolErrorResponse,
} from './tools/tool-error-response.ts';
export type { ToolResultMedia, ToolResultOptions } from './tools/tool-result.ts';
export { isToolResultWithParts, toolResult } from './tools/tool-result.ts';

// --- agent ---
export type {
  AgentEvent,
  GroundingEvent,
  RunEndEvent,
  StepEndEvent,
  StepStartEvent,
  TextDeltaEvent,
  ThoughtDeltaEvent,
  ToolCallEvent,
  ToolErrorEvent,
  ToolResultEvent,
} from './agent/agent-event.ts';
export type { AgentInput } from './run/agent-input.ts';
export type {
  AgentOptions,
  BeforeToolCallContext,
  BeforeToolCallDecision,
  BeforeToolCallHook,
  OutputSchema,
  RunOptions,
  StepEndContext,
  ThinkingEffort,
  ThinkingOption,
  ToolChoice,
} from './agent/agent-options.ts';
export type {
  AgentFinishReason,
  AgentResult,
  AgentRunState,
  AgentStep,
  AgentToolCall,
  AgentUsage,
  BlockedOutcome,
  ReaskReason,
  ToolCallOutcome,
} from './run/agent-result.ts';
export type { AgentStream } from './agent/agent-stream.ts';
export type { AgentCacheOptions } from './agent/prompt-cache.ts';
export type { AgentCacheReport } from './run/agent-cache-report.ts';
export type { Agent } from './agent/create-agent.ts';
export { createAgent } from './agent/create-agent.ts';
export type { AbortPhase } from './agent/errors/agent-aborted-error.ts';
export { AgentAbortedError } from './agent/errors/agent-aborted-error.ts';
export { AgentClosedError } from './agent/errors/agent-closed-error.ts';
export type { AgentRunErrorOptions } from './agent/errors/agent-run-error.ts';
export { AgentRunError } from './agent/errors/agent-run-error.ts';
export { InvalidHistoryError } from './agent/errors/invalid-history-error.ts';
export { InvalidModelResponseError } from './agent/errors/invalid-model-response-error.ts';
export { ModelCallError } from './agent/errors/model-call-error.ts';
export type { OutputIssue } from './agent/errors/output-validation-error.ts';
export { OutputValidationError } from './agent/errors/output-validation-error.ts';
export { ToolExecutionError } from './agent/errors/tool-execution-error.ts';
export { ToolInputError } from './agent/errors/tool-input-error.ts';
export type { ToolCloseFailure } from './agent/errors/tool-close-error.ts';
export { ToolCloseError } from './agent/errors/tool-close-error.ts';
export { ToolTimeoutError } from './agent/errors/tool-timeout-error.ts';
export { UnknownToolError } from './agent/errors/unknown-tool-error.ts';
export {
  DEFAULT_MAX_REASKS,
  DEFAULT_MAX_STEPS,
  DEFAULT_TOOL_CONCURRENCY,
  DEFAULT_TOOL_TIMEOUT_MS,
} from './agent/resolve-agent-config.ts';
export type { StopCondition, StopConditionContext } from './agent/stop-conditions.ts';
export {
  hasToolCall,
  hasToolError,
  stepCountIs,
  totalTokensExceed,
} from './agent/stop-conditions.ts';

// --- chat ---
export type {
  ChatResult,
  ChatSendInfo,
  ChatSendOptions,
  ChatSession,
  ChatStream,
  CreateChatSessionOptions,
} from './chat/chat-session.ts';
export { ChatHistoryCorruptError } from './chat/chat-history-corrupt-error.ts';
export type { ChatStoreErrorOptions, ChatStoreOperation } from './chat/chat-store-error.ts';
export { ChatStoreError } from './chat/chat-store-error.ts';
export type { ChatStoreLockHolder } from './chat/chat-store-locked-error.ts';
export { ChatStoreLockedError } from './chat/chat-store-locked-error.ts';
export { createChatSession } from './chat/create-chat-session.ts';
export type {
  CreateFileHistoryStoreOptions,
  FileHistoryStore,
} from './chat/create-file-history-store.ts';
export type { MemoryHistoryStore } from './chat/create-memory-history-store.ts';
export { createMemoryHistoryStore } from './chat/create-memory-history-store.ts';
export type {
  ChatTurn,
  HistoryStore,
  HistoryStoreContext,
  RecentChatTurns,
} from './chat/history-store.ts';
export type { ChatHistoryLimit } from './chat/chat-history-limit.ts';
export type { ChatMessage } from './chat/to-message-parts.ts';
