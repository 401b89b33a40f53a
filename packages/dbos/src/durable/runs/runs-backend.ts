import type { DBOSClient, WorkflowStatus } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import type { EventBatch } from '../events/run-events.ts';
import type { DurableRunInput, DurableRunResult } from './durable-run-types.ts';
import type { RunEndNotices } from './run-end-notices.ts';
import type { DEFAULT_MAX_INPUT_BYTES } from './run-input-limit.ts';

/** The DBOS operations the runs API needs, from a client or from a launched worker. @internal */
export type RunsBackend = {
  /** The pool of `gemloop.approvals` (paused runs). */
  pool: pg.Pool;
  /** Re-enqueues a paused run. */
  resume(runId: string): Promise<void>;
  /** How often waits across a pause poll. @defaultValue 1000 */
  pollingIntervalMs?: number | undefined;
  /** Runs' end notices: `result()` wakes on them, polling only as a fallback. */
  notices?: RunEndNotices | undefined;
  /** The most a run's input may be (`maxInputBytes`). @defaultValue {@link DEFAULT_MAX_INPUT_BYTES} */
  maxInputBytes?: number | undefined;
  /** Enqueues the run's workflow with its input and its DBOS workflow `attributes`. */
  enqueue(
    agent: string,
    runId: string,
    input: DurableRunInput,
    attributes: Record<string, unknown>,
  ): Promise<void>;
  getResult(runId: string): Promise<DurableRunResult>;
  /** The run's workflow status, without its input or output (`loadInput: false`). */
  getStatus(runId: string): Promise<WorkflowStatus | undefined>;
  readStream(runId: string, offset: number): AsyncGenerator<EventBatch, void, unknown>;
  getEvent<T>(runId: string, key: string): Promise<T | null>;
  send(runId: string, message: unknown, topic: string, idempotencyKey: string): Promise<void>;
  cancel(runId: string): Promise<void>;
  listWorkflows(input: Parameters<DBOSClient['listWorkflows']>[0]): Promise<WorkflowStatus[]>;
  close(): Promise<void>;
};
