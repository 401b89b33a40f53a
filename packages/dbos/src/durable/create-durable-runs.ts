import { DBOSClient, type WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import { ApprovalNotPendingError } from '../errors/approval-not-pending-error.ts';
import { checkPostgres } from '../errors/check-postgres.ts';
import { DurableRunError } from '../errors/durable-run-error.ts';
import {
  type ApprovalDecision,
  approvalTopic,
  PENDING_APPROVALS_KEY,
  type PendingApproval,
} from './approvals.ts';
import {
  DEFAULT_APP_NAME,
  type DurableRunEvent,
  type DurableRunInput,
  type DurableRunResult,
  type DurableRunStatus,
  type DurableRunStatusName,
  RUN_WORKFLOW,
  RUNS_QUEUE,
} from './durable-run-types.ts';
import { EVENTS_STREAM_KEY, type EventBatch } from './run-events.ts';

/** Options of {@link createDurableRuns}. */
export type CreateDurableRunsOptions = {
  /** The DBOS system database the workers use (`postgres://user:password@host:port/db`). */
  databaseUrl: string;
  /** The fleet's name in that database. @defaultValue `'gemloop'` */
  appName?: string | undefined;
  /** How often waits (results, events) poll when no notification arrives. @defaultValue DBOS's */
  pollingIntervalMs?: number | undefined;
};

/** Options of {@link DurableRuns.start}. */
export type StartRunOptions = DurableRunInput & {
  /**
   * The run's id, and its idempotency key: starting an id that exists starts nothing and returns
   * the existing run (its own input stays). @defaultValue a random UUID
   */
  runId?: string | undefined;
};

/**
 * Drives durable runs from any process (an HTTP server, a CLI, a worker): start, await, watch,
 * approve, cancel and list. It talks to Postgres only (a DBOS client); the workers run the runs.
 */
export type DurableRuns = {
  /** Enqueues a run of the agent named `agent`; a worker picks it up. */
  start(agent: string, options: StartRunOptions): Promise<{ runId: string }>;
  /**
   * Waits for the run's result.
   * @throws {@link DurableRunError} when the run failed, was cancelled, or does not exist.
   */
  result(runId: string): Promise<DurableRunResult>;
  /** The run's status, or `undefined` for an unknown id. */
  status(runId: string): Promise<DurableRunStatus | undefined>;
  /**
   * The run's events, the same types as `agent.stream()`, from `offset` (an event index), until
   * the run ends. Reconnecting with `offset: last.offset + 1` misses and repeats nothing.
   */
  events(runId: string, options?: { offset?: number | undefined }): AsyncIterable<DurableRunEvent>;
  /** The calls of the run that wait for approval. */
  pendingApprovals(runId: string): Promise<PendingApproval[]>;
  /**
   * Answers a call that waits for approval; any worker resumes the run.
   * @throws {@link ApprovalNotPendingError} when that call does not wait (any more).
   */
  approve(runId: string, toolCallId: string, decision: ApprovalDecision): Promise<void>;
  /** Cancels the run: it stops at its next checkpoint and its status becomes `CANCELLED`. */
  cancel(runId: string): Promise<void>;
  /** Runs, newest first, optionally of some statuses. */
  list(options?: {
    status?: DurableRunStatusName | readonly DurableRunStatusName[] | undefined;
    limit?: number | undefined;
  }): Promise<DurableRunStatus[]>;
  /** Closes the Postgres connections. */
  close(): Promise<void>;
};

/**
 * Connects to a fleet's DBOS system database to drive its runs from any process.
 * @throws {@link PostgresUnreachableError} when Postgres cannot be reached (password redacted).
 * @example
 * ```ts
 * const runs = await createDurableRuns({ databaseUrl: process.env.DATABASE_URL! });
 * const { runId } = await runs.start('support', { runId: 'ticket-42', input: 'Refund order 7' });
 * for await (const { event } of runs.events(runId)) console.log(event.type);
 * ```
 */
export async function createDurableRuns({
  databaseUrl,
  appName = DEFAULT_APP_NAME,
  pollingIntervalMs,
}: CreateDurableRunsOptions): Promise<DurableRuns> {
  if (typeof databaseUrl !== 'string' || databaseUrl === '') {
    throw new InvalidArgumentError({
      argument: 'databaseUrl',
      message: 'createDurableRuns: databaseUrl must be a Postgres connection string.',
    });
  }
  await checkPostgres({ connectionString: databaseUrl, purpose: 'the DBOS system database' });
  const client = await DBOSClient.create({
    systemDatabaseUrl: databaseUrl,
    applicationName: appName,
  });
  const polling = pollingIntervalMs === undefined ? {} : { pollingIntervalMs };
  return createRunsApi({
    enqueue: async (agent, runId, input) => {
      await client.enqueue(
        { workflowName: RUN_WORKFLOW, queueName: RUNS_QUEUE, workflowID: runId },
        agent,
        input,
      );
    },
    getResult: (runId) => client.retrieveWorkflow<DurableRunResult>(runId).getResult(polling),
    getStatus: async (runId) =>
      (await client.listWorkflows({ workflowIDs: [runId], loadInput: true }))[0],
    readStream: (runId) =>
      client.readStream<EventBatch>(runId, EVENTS_STREAM_KEY, { offset: 0, ...polling }),
    getEvent: (runId, key) => client.getEvent(runId, key, { timeoutSeconds: 0 }),
    send: (runId, message, topic, key) => client.send(runId, message, topic, key),
    cancel: (runId) => client.cancelWorkflow(runId),
    listWorkflows: (input) => client.listWorkflows(input),
    close: () => client.destroy(),
  });
}

/** The DBOS operations the runs API needs, from a client or from a launched worker. @internal */
export type RunsBackend = {
  enqueue(agent: string, runId: string, input: DurableRunInput): Promise<void>;
  getResult(runId: string): Promise<DurableRunResult>;
  getStatus(runId: string): Promise<WorkflowStatus | undefined>;
  readStream(runId: string): AsyncGenerator<EventBatch, void, unknown>;
  getEvent<T>(runId: string, key: string): Promise<T | null>;
  send(runId: string, message: unknown, topic: string, idempotencyKey: string): Promise<void>;
  cancel(runId: string): Promise<void>;
  listWorkflows(input: Parameters<DBOSClient['listWorkflows']>[0]): Promise<WorkflowStatus[]>;
  close(): Promise<void>;
};

/** @internal */
export function createRunsApi(backend: RunsBackend): DurableRuns {
  const toStatus = (workflow: WorkflowStatus): DurableRunStatus => ({
    runId: workflow.workflowID,
    status: workflow.status as DurableRunStatusName,
    agent: typeof workflow.input?.[0] === 'string' ? workflow.input[0] : undefined,
    executorId: workflow.executorId,
    createdAt: workflow.createdAt,
    updatedAt: workflow.updatedAt,
    dequeuedAt: workflow.dequeuedAt,
    completedAt: workflow.completedAt,
  });
  return {
    async start(agent, { runId = crypto.randomUUID(), input, history, historyModel }) {
      if (typeof agent !== 'string' || agent === '') {
        throw new InvalidArgumentError({
          argument: 'agent',
          message: 'start: the agent name must be a non-empty string.',
        });
      }
      const request: DurableRunInput = { input };
      if (history !== undefined) request.history = history;
      if (historyModel !== undefined) request.historyModel = historyModel;
      await backend.enqueue(agent, runId, request);
      return { runId };
    },
    async result(runId) {
      const status = await backend.getStatus(runId);
      if (status === undefined) {
        throw new DurableRunError({
          message: `No durable run has the id "${runId}".`,
          runId,
          status: 'NOT_FOUND',
        });
      }
      try {
        return await backend.getResult(runId);
      } catch (error) {
        const now = (await backend.getStatus(runId))?.status ?? 'ERROR';
        throw new DurableRunError({
          message: `Durable run "${runId}" ended with status ${now}: ${error instanceof Error ? error.message : String(error)}`,
          runId,
          status: now,
          cause: error,
        });
      }
    },
    async status(runId) {
      const workflow = await backend.getStatus(runId);
      return workflow === undefined ? undefined : toStatus(workflow);
    },
    events(runId, { offset = 0 } = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          let next = offset;
          for await (const batch of backend.readStream(runId)) {
            for (let index = 0; index < batch.events.length; index++) {
              const eventIndex = batch.from + index;
              // Entries may overlap (a step re-run after a crash writes its events again).
              if (eventIndex < next) continue;
              const event = batch.events[index];
              if (event === undefined) continue;
              next = eventIndex + 1;
              yield { offset: eventIndex, event };
            }
          }
        },
      };
    },
    async pendingApprovals(runId) {
      return (await backend.getEvent<PendingApproval[]>(runId, PENDING_APPROVALS_KEY)) ?? [];
    },
    async approve(runId, toolCallId, decision) {
      checkDecision(decision);
      const state = await backend.getEvent<{ status: string }>(runId, approvalTopic(toolCallId));
      if (state?.status !== 'pending') {
        throw new ApprovalNotPendingError({
          message:
            state === null
              ? `Run "${runId}" has no call "${toolCallId}" waiting for approval (pendingApprovals() lists those that do).`
              : `The call "${toolCallId}" of run "${runId}" does not wait for approval any more (${state.status}).`,
          runId,
          toolCallId,
          state:
            state === null ? 'unknown' : state.status === 'timed-out' ? 'timed-out' : 'decided',
        });
      }
      // The idempotency key makes a second decision for the same call a no-op: the first wins.
      await backend.send(
        runId,
        decision,
        approvalTopic(toolCallId),
        `${runId}:${toolCallId}:approval`,
      );
    },
    cancel: (runId) => backend.cancel(runId),
    async list({ status, limit } = {}) {
      const workflows = await backend.listWorkflows({
        workflowName: RUN_WORKFLOW,
        ...(status === undefined
          ? {}
          : { status: (typeof status === 'string' ? status : [...status]) as never }),
        ...(limit === undefined ? {} : { limit }),
        sortDesc: true,
        loadInput: true,
      });
      return workflows.map(toStatus);
    },
    close: () => backend.close(),
  };
}

function checkDecision(decision: ApprovalDecision): void {
  const valid =
    typeof decision === 'object' &&
    decision !== null &&
    (decision.type === 'approve' ||
      (decision.type === 'reject' && typeof decision.reason === 'string') ||
      (decision.type === 'edit' && typeof decision.args === 'object' && decision.args !== null));
  if (!valid) {
    throw new InvalidArgumentError({
      argument: 'decision',
      message:
        "approve: the decision must be { type: 'approve' }, { type: 'reject', reason: string } or { type: 'edit', args: object }.",
    });
  }
}
