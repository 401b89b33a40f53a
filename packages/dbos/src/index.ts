// @gemloop/dbos: durable gemloop runs on DBOS Transact and Postgres, and chat history on Postgres.

export type { ApprovalDecision } from './durable/approvals/approval-decision.ts';
export type { NeedsApproval, PendingApproval } from './durable/approvals/approvals.ts';
export { DEFAULT_APPROVAL_TIMEOUT_MS } from './durable/approvals/approvals.ts';
export type { CreateDurableRunsOptions } from './durable/runs/create-durable-runs.ts';
export { createDurableRuns } from './durable/runs/create-durable-runs.ts';
export type { DurableRuns, StartRunOptions } from './durable/runs/durable-runs.ts';
export type {
  DurableAgentDefinition,
  DurableRunEvent,
  DurableRunInput,
  DurableRunResult,
  DurableRunStatus,
  DurableRunStatusName,
  RunAccessOptions,
} from './durable/runs/durable-run-types.ts';
export type {
  DurableSendOptions,
  DurableSteerOptions,
} from './durable/steering/durable-steering.ts';
export { MAX_DURABLE_STEER_BYTES } from './durable/steering/durable-steering.ts';
export type {
  CreateDurableBatchRunsOptions,
  DurableBatchJobDefinition,
  DurableBatchJobInput,
  DurableBatchRuns,
} from './durable/batch/durable-batch-runs.ts';
export { createDurableBatchRuns } from './durable/batch/durable-batch-runs.ts';
export type { DurableToolContext } from './durable/steps/durable-tool.ts';
export { durableContext } from './durable/steps/durable-tool.ts';
export type { ModelRateLimit } from './durable/fleet/fleet-rate-limit.ts';
export type {
  DurableWorker,
  StartDurableWorkerOptions,
} from './durable/worker/start-durable-worker.ts';
export { startDurableWorker } from './durable/worker/start-durable-worker.ts';
export type { TakeoverOptions } from './durable/fleet/worker-liveness.ts';
export type {
  DurableLiveSession,
  DurableLiveSessionOptions,
} from './live/open-durable-live-session.ts';
export type { ApprovalNotPendingErrorOptions } from './errors/approval-not-pending-error.ts';
export { ApprovalNotPendingError } from './errors/approval-not-pending-error.ts';
export type { BudgetPoolRowErrorOptions } from './errors/budget-pool-row-error.ts';
export { BudgetPoolRowError } from './errors/budget-pool-row-error.ts';
export type { HistoryReference } from './chat/history-reference.ts';
export type { DurableChatHistoryErrorOptions } from './errors/durable-chat-history-error.ts';
export { DurableChatHistoryError } from './errors/durable-chat-history-error.ts';
export type { DurableReplayMismatchErrorOptions } from './errors/durable-replay-mismatch-error.ts';
export { DurableReplayMismatchError } from './errors/durable-replay-mismatch-error.ts';
export type { UnknownHandoffAgentErrorOptions } from './errors/unknown-handoff-agent-error.ts';
export { UnknownHandoffAgentError } from './errors/unknown-handoff-agent-error.ts';
export type { DurableRunDataErrorOptions } from './errors/durable-run-data-error.ts';
export { DurableRunDataError } from './errors/durable-run-data-error.ts';
export type { DurableRunErrorOptions } from './errors/durable-run-error.ts';
export type { DurableRunInputTooLargeErrorOptions } from './errors/durable-run-input-too-large-error.ts';
export { DurableRunInputTooLargeError } from './errors/durable-run-input-too-large-error.ts';
export { DurableRunError } from './errors/durable-run-error.ts';
export type { MixedFleetErrorOptions } from './errors/mixed-fleet-error.ts';
export { MixedFleetError } from './errors/mixed-fleet-error.ts';
export type { PostgresUnreachableErrorOptions } from './errors/postgres-unreachable-error.ts';
export { PostgresUnreachableError } from './errors/postgres-unreachable-error.ts';
export { redactConnectionString } from './errors/redact-connection-string.ts';
export type { WorkerAlreadyRunningErrorOptions } from './errors/worker-already-running-error.ts';
export { WorkerAlreadyRunningError } from './errors/worker-already-running-error.ts';
export type { ChatSessionConflictErrorOptions } from './chat/chat-session-conflict-error.ts';
export {
  ChatSessionConflictError,
  isChatSessionConflict,
} from './chat/chat-session-conflict-error.ts';
export type {
  CreatePostgresHistoryStoreOptions,
  PostgresHistoryStore,
} from './chat/create-postgres-history-store.ts';
export { createPostgresHistoryStore } from './chat/create-postgres-history-store.ts';
export type {
  PostgresBudgetPool,
  PostgresBudgetPoolOptions,
} from './budget/create-postgres-budget-pool.ts';
export { createPostgresBudgetPool } from './budget/create-postgres-budget-pool.ts';
export type {
  DurableChatStore,
  SendDurableChatTurnOptions,
} from './chat/send-durable-chat-turn.ts';
export { sendDurableChatTurn } from './chat/send-durable-chat-turn.ts';
export type { ArtifactStoreLimitErrorOptions } from './artifacts/artifact-store-limit-error.ts';
export { ArtifactStoreLimitError } from './artifacts/artifact-store-limit-error.ts';
export type {
  CreatePostgresArtifactStoreOptions,
  PostgresArtifactStore,
} from './artifacts/create-postgres-artifact-store.ts';
export {
  createPostgresArtifactStore,
  DEFAULT_MAX_POSTGRES_ARTIFACT_BYTES,
  DEFAULT_MAX_POSTGRES_ARTIFACTS_TOTAL_BYTES,
} from './artifacts/create-postgres-artifact-store.ts';
export type {
  CreatePostgresToolResultStoreOptions,
  PostgresToolResultStore,
} from './tool-result-cache/create-postgres-tool-result-store.ts';
export {
  createPostgresToolResultStore,
  DEFAULT_MAX_POSTGRES_TOOL_RESULTS,
} from './tool-result-cache/create-postgres-tool-result-store.ts';
export type {
  CreatePostgresMemoryStoreOptions,
  PostgresMemoryStore,
} from './memory/create-postgres-memory-store.ts';
export { createPostgresMemoryStore } from './memory/create-postgres-memory-store.ts';
