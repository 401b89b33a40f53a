// @gemloop/core/errors: every error class gemloop throws, with the types of their data. Each one
// is a GemloopError with a static `isInstance` that works across duplicate installs. The root
// entry keeps the few most code catches (GemloopError, ApiCallError, InvalidArgumentError,
// AgentRunError, ModelCallError).
//
// This file is an entry point, not part of the errors/ layer: it re-exports the agent's errors
// too (agent/errors/, which sit above errors/), so a user finds every class in one place. Code
// inside the package imports the error files themselves, never this barrel.

export type { AbortPhase } from '../agent/errors/agent-aborted-error.ts';
export { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
export { AgentClosedError } from '../agent/errors/agent-closed-error.ts';
export type { AgentRunErrorOptions } from '../agent/errors/agent-run-error.ts';
export { AgentRunError } from '../agent/errors/agent-run-error.ts';
export { ContextWindowError } from '../agent/errors/context-window-error.ts';
export type { ForeignResponseFormat } from '../agent/errors/foreign-response-error.ts';
export { ForeignResponseError } from '../agent/errors/foreign-response-error.ts';
export { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
export { InvalidHistoryError } from '../agent/errors/invalid-history-error.ts';
export { InvalidModelResponseError } from '../agent/errors/invalid-model-response-error.ts';
export { MissingThoughtSignatureError } from '../agent/errors/missing-thought-signature-error.ts';
export { type ModelCallAttempt, ModelCallError } from '../agent/errors/model-call-error.ts';
export type { OutputIssue } from '../agent/errors/output-validation-error.ts';
export { OutputValidationError } from '../agent/errors/output-validation-error.ts';
export type { SubagentErrorOptions } from '../agent/errors/subagent-error.ts';
export { SubagentError } from '../agent/errors/subagent-error.ts';
export type { ToolCloseFailure } from '../agent/errors/tool-close-error.ts';
export { ToolCloseError } from '../agent/errors/tool-close-error.ts';
export { ToolExecutionError } from '../agent/errors/tool-execution-error.ts';
export { ToolInputError } from '../agent/errors/tool-input-error.ts';
export { ToolTimeoutError } from '../agent/errors/tool-timeout-error.ts';
export { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
export { UnknownToolError } from '../agent/errors/unknown-tool-error.ts';
export { ChatBudgetExceededError } from '../chat/chat-budget-exceeded-error.ts';
export type { PatternComplexity } from '../tools/patterns/unsafe-pattern-error.ts';
export { UnsafePatternError } from '../tools/patterns/unsafe-pattern-error.ts';
export type { RunDoor } from '../web/run-access-denied-error.ts';
export { RunAccessDeniedError } from '../web/run-access-denied-error.ts';
export type { ApiCallErrorOptions } from './api-call-error.ts';
export { ApiCallError } from './api-call-error.ts';
export { ChatHistoryCorruptError } from './chat-history-corrupt-error.ts';
export type { ChatStoreErrorOptions, ChatStoreOperation } from './chat-store-error.ts';
export { ChatStoreError } from './chat-store-error.ts';
export type { ChatStoreLockHolder } from './chat-store-locked-error.ts';
export { ChatStoreLockedError } from './chat-store-locked-error.ts';
export type { CompactionErrorReason } from './compaction-error.ts';
export { CompactionError } from './compaction-error.ts';
export type { ContinuationErrorReason } from './continuation-error.ts';
export { ContinuationError } from './continuation-error.ts';
export { BatchJobError } from './files-and-batches/batch-job-error.ts';
export { FileNotFoundError } from './files-and-batches/file-not-found-error.ts';
export { FileProcessingError } from './files-and-batches/file-processing-error.ts';
export { FileSearchOperationError } from './files-and-batches/file-search-operation-error.ts';
export { InteractionFailedError } from './files-and-batches/interaction-failed-error.ts';
export { UnsupportedEndpointError } from './files-and-batches/unsupported-endpoint-error.ts';
export type { UploadErrorReason } from './files-and-batches/upload-error.ts';
export { UploadError } from './files-and-batches/upload-error.ts';
export type { GemloopErrorOptions, PartialUsage } from './gemloop-error.ts';
export { GemloopError } from './gemloop-error.ts';
export type { AgentBackgroundRule } from './interactions/agent-background-error.ts';
export { AgentBackgroundError } from './interactions/agent-background-error.ts';
export type { WebhookSignatureFailure } from './interactions/webhook-signature-error.ts';
export { WebhookSignatureError } from './interactions/webhook-signature-error.ts';
export { InvalidArgumentError } from './invalid-argument-error.ts';
export { InvalidToolResultError } from './invalid-tool-result-error.ts';
export { MissingApiKeyError } from './missing-api-key-error.ts';
export type { ResponseTooLargeErrorOptions } from './response-too-large-error.ts';
export { ResponseTooLargeError } from './response-too-large-error.ts';
export type { RunMessageErrorReason } from './run-message-error.ts';
export { RunMessageError } from './run-message-error.ts';
export type { SchemaLibrary } from './schema-library-not-loaded-error.ts';
export {
  MissingDependencyError,
  SchemaLibraryNotLoadedError,
} from './schema-library-not-loaded-error.ts';
export type { SteeringErrorReason } from './steering-error.ts';
export { SteeringError } from './steering-error.ts';
export type { StreamErrorReason } from './stream-error.ts';
export { StreamError } from './stream-error.ts';
export { TimeoutError } from './timeout-error.ts';
export type { UnknownHandoffAgentErrorOptions } from './unknown-handoff-agent-error.ts';
export { UnknownHandoffAgentError } from './unknown-handoff-agent-error.ts';
export type { VertexAuthErrorReason } from './vertex-auth-error.ts';
export { VertexAuthError } from './vertex-auth-error.ts';
