import { DBOSClient, type WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookEvent,
} from '@gemloop/core/interactions';
import { checkOwnerOption, checkTopic, messageJson } from '@gemloop/core/internal';
import type { SteeringMessage } from '@gemloop/core/steering';
import { checkRunOwner, type RunDoor } from '@gemloop/core/web';
import pg from 'pg';
import { ApprovalNotPendingError } from '../../errors/approval-not-pending-error.ts';
import { checkPostgres } from '../../errors/check-postgres.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import type { ApprovalDecision } from '../approvals/approval-decision.ts';
import { approvalTopic, type PendingApproval } from '../approvals/approvals.ts';
import {
  locateApproval,
  readPendingApprovals,
  resolveApprovalId,
} from '../approvals/pending-approvals.ts';
import {
  markCancelled,
  migrateRunPauses,
  recordDecision,
  waitingRuns,
} from '../approvals/run-pauses.ts';
import { EVENTS_STREAM_KEY, type EventBatch } from '../events/run-events.ts';
import {
  INTERACTION_TOPIC,
  migrateInteractionWaits,
  parkedRuns,
  takeInteractionWaits,
} from '../interactions/interaction-waits.ts';
import {
  type DurableSendOptions,
  type DurableSteerOptions,
  STEER_TOPIC,
  toDurableSteer,
} from '../steering/durable-steering.ts';
import {
  checkCallId,
  checkDecision,
  checkLimit,
  checkOffset,
  checkRunId,
} from './check-runs-arguments.ts';
import {
  CHILD_WORKFLOW,
  childRunsPrefix,
  DEFAULT_APP_NAME,
  type DurableRunEvent,
  type DurableRunInput,
  type DurableRunResult,
  type DurableRunStatus,
  type DurableRunStatusName,
  RUN_WORKFLOW,
  RUNS_QUEUE,
  type RunAccessOptions,
} from './durable-run-types.ts';
import { createRunEndNotices, type RunEndNotices } from './run-end-notices.ts';

/** Options of {@link createDurableRuns}. */
export type CreateDurableRunsOptions = {
  /** The DBOS system database the workers use (`postgres://user:password@host:port/db`). */
  databaseUrl: string;
  /** The fleet's name in that database. @defaultValue `'gemloop'` */
  appName?: string | undefined;
  /**
   * How often waits (results, events) poll when no notification arrives. A top run's `result()`,
   * which the run's end notice wakes, slows its poll to once a second as it waits.
   * @defaultValue DBOS's
   */
  pollingIntervalMs?: number | undefined;
};

/** Options of {@link DurableRuns.start}. */
/** Longest `holder` name a run starts with (an agent's handoff name). */
const MAX_HOLDER_LENGTH = 200;

export type StartRunOptions = DurableRunInput & {
  /**
   * The run's id, and its idempotency key: starting an id that exists starts nothing and returns
   * the existing run (its own input stays). At most 1024 UTF-8 bytes, without NUL characters
   * (every method of {@link DurableRuns} refuses another with an `InvalidArgumentError`).
   * @defaultValue a random UUID
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
  /** The run's status (with its `owner`), or `undefined` for an unknown id. */
  status(runId: string): Promise<DurableRunStatus | undefined>;
  /**
   * Whose run `runId` is: the `owner` its tree's top run was started with (a subagent's run is
   * its top run's), or `undefined` for a run without one or an unknown id. For the doors that
   * meet a run by the id of one of its calls, such as the MCP elicitation broker of a worker
   * (`createMcpElicitationBroker({ ownerOfRun: (runId) => runs.ownerOf(runId) })`).
   */
  ownerOf(runId: string): Promise<string | undefined>;
  /**
   * The run's events, the same types as `agent.stream()`, from `offset` (an event index), until
   * the run ends. Reconnecting with `offset: last.offset + 1` misses and repeats nothing.
   * @throws {@link InvalidArgumentError} (argument `offset`), from the first read, for an offset
   * that is not a whole number >= 0.
   * @throws {@link DurableRunError} (status `NOT_FOUND`), from the first read, when no run has
   * the id, as `result()`.
   * @throws `RunAccessDeniedError`, from the first read, when `owner` is given and the run is not
   * that owner's (or does not exist).
   */
  events(
    runId: string,
    options?: { offset?: number | undefined } & RunAccessOptions,
  ): AsyncIterable<DurableRunEvent>;
  /**
   * The calls of the run that wait for approval (none once the run is over).
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's.
   */
  pendingApprovals(runId: string, options?: RunAccessOptions): Promise<PendingApproval[]>;
  /**
   * Answers a call that waits for approval; any worker resumes the run. `callId` is the
   * pending call's `approvalId` (from `pendingApprovals()`), or its `toolCallId` when no other
   * waiting call of the run has that id. A decision answers that one call: another call with the
   * same model id (in the same turn or a later step) waits for its own.
   * @throws {@link ApprovalNotPendingError} when that call does not wait (any more).
   * @throws {@link InvalidArgumentError} when the decision is malformed or holds text Postgres
   * cannot store (a NUL, a lone surrogate), or `callId` is empty, holds a NUL, or is a
   * `toolCallId` that several waiting calls share.
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's (or
   * does not exist); nothing is recorded.
   */
  approve(
    runId: string,
    callId: string,
    decision: ApprovalDecision,
    options?: RunAccessOptions,
  ): Promise<void>;
  /**
   * Steers the running run from any process: the message goes to the run's workflow as a DBOS
   * message (`DBOS.send`), which the run reads at its next step boundary and applies once, even
   * when a worker is killed and another takes the run over (see `@gemloop/core/steering`).
   * @throws {@link InvalidArgumentError} for an empty message or one over 256 KB of JSON.
   * @throws {@link DurableRunError} when the run does not exist or is over (`status` says which).
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's.
   */
  steer(
    runId: string,
    message: SteeringMessage,
    options?: DurableSteerOptions & RunAccessOptions,
  ): Promise<void>;
  /**
   * Sends `value` to the running run's plugins on `topic`, from any process: a DBOS message
   * (`DBOS.send`) that a plugin takes with `run.receive(topic)` at a step boundary (see
   * `PluginRun.receive` in `@gemloop/core/plugins`), once, even when a worker is killed and
   * another takes the run over. A message nobody receives stays with the run. `runs.steer` is
   * this on steering's own topic.
   * @throws `RunMessageError` (`@gemloop/core/plugins`) for a topic that is not 1 to 100
   *   letters, digits, `.`, `_` or `-` (or is gemloop's own, `gemloop.…`), or a value that is not
   *   plain JSON data or is over 256 KB of it; nothing is sent.
   * @throws {@link DurableRunError} when the run does not exist or is over (`status` says which).
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's.
   */
  send(
    runId: string,
    topic: string,
    value: unknown,
    options?: DurableSendOptions & RunAccessOptions,
  ): Promise<void>;
  /**
   * Cancels the run: it stops at its next checkpoint and its status becomes `CANCELLED`.
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's (or
   * does not exist); nothing is cancelled.
   */
  cancel(runId: string, options?: RunAccessOptions): Promise<void>;
  /** Runs, newest first, optionally of some statuses. */
  list(options?: {
    status?: DurableRunStatusName | readonly DurableRunStatusName[] | undefined;
    limit?: number | undefined;
  }): Promise<DurableRunStatus[]>;
  /**
   * The runs of the subagents below a run (each a child workflow, `<runId>/<step>.<index>:<callId>`,
   * and theirs below them), in start order, with their `parentRunId` and `path`; at most `limit`
   * (default 100).
   */
  childRuns(runId: string, options?: { limit?: number | undefined }): Promise<DurableRunStatus[]>;
  /**
   * Wakes the runs waiting on background interaction `interactionId` (an agent with
   * `interactionsApi({ background: { wakeOnWebhook: true } })`): each polls it at once instead of
   * at the end of its pause. Call it from the handler of Google's `interaction.completed` webhook,
   * or use {@link DurableRuns.handleWebhook}, which verifies the delivery first. A wake-up for an
   * interaction no run waits on yet is kept (8 days) for the run that comes to wait on it: a
   * webhook can arrive before the run's first wait.
   * @throws {@link InvalidArgumentError} when `interactionId` is not an interaction id.
   */
  wakeInteraction(interactionId: string): Promise<{ runIds: string[] }>;
  /**
   * Verifies a Gemini API webhook delivery (`verifyWebhook` of `@gemloop/core/interactions`:
   * Standard Webhooks signatures) and, for an `interaction.*` event, wakes the runs waiting on its
   * interaction (`data.id`). Answer the request 2xx when it returns.
   * @throws `WebhookSignatureError` when the delivery does not verify: answer 401, act on nothing.
   */
  handleWebhook(
    delivery: VerifyWebhookOptions,
  ): Promise<{ webhookId: string; event: WebhookEvent; runIds: string[] }>;
  /** Closes the Postgres connections. */
  close(): Promise<void>;
};

/** An interaction id as the API hands it out (`create-interactions.ts` keeps the same rule). */
const INTERACTION_ID = /^[A-Za-z0-9._~-]{1,512}$/;

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
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => {});
  await migrateRunPauses(pool);
  await migrateInteractionWaits(pool);
  const notices = createRunEndNotices(databaseUrl);
  return createRunsApi({
    pool,
    notices,
    resume: async (runId) => {
      await client.resumeWorkflow(runId, { queueName: RUNS_QUEUE });
    },
    ...(pollingIntervalMs === undefined ? {} : { pollingIntervalMs }),
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
    readStream: (runId, offset) =>
      client.readStream<EventBatch>(runId, EVENTS_STREAM_KEY, { offset, ...polling }),
    getEvent: (runId, key) => client.getEvent(runId, key, { timeoutSeconds: 0 }),
    send: (runId, message, topic, key) => client.send(runId, message, topic, key),
    // With the run's subagents (child workflows): DBOS cancels only the workflow named unless
    // told (`cancelChildren`, `dist/src/system_database.js` `cancelWorkflows`, 5.3).
    cancel: (runId) => client.cancelWorkflow(runId, { cancelChildren: true }),
    listWorkflows: (input) => client.listWorkflows(input),
    close: async () => {
      await notices.close();
      await pool.end().catch(() => {});
      await client.destroy();
    },
  });
}

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
  enqueue(agent: string, runId: string, input: DurableRunInput): Promise<void>;
  getResult(runId: string): Promise<DurableRunResult>;
  getStatus(runId: string): Promise<WorkflowStatus | undefined>;
  readStream(runId: string, offset: number): AsyncGenerator<EventBatch, void, unknown>;
  getEvent<T>(runId: string, key: string): Promise<T | null>;
  send(runId: string, message: unknown, topic: string, idempotencyKey: string): Promise<void>;
  cancel(runId: string): Promise<void>;
  listWorkflows(input: Parameters<DBOSClient['listWorkflows']>[0]): Promise<WorkflowStatus[]>;
  close(): Promise<void>;
};

/** The slowest a `result()` wait on an announced end polls (the default `pollingIntervalMs`). */
const RESULT_FALLBACK_MAX_MS = 1000;

/** The most subagent levels `ownerOf` climbs: far past any tree an agent makes. */
const MAX_TREE_LEVELS = 64;

/** The owner a top run was started with (its input, plain data), if any. */
function ownerOf(workflow: WorkflowStatus): string | undefined {
  if (workflow.workflowName !== RUN_WORKFLOW) return undefined;
  const owner = (workflow.input?.[1] as { owner?: unknown } | undefined)?.owner;
  return typeof owner === 'string' ? owner : undefined;
}

/** Statuses of a workflow that has not ended (nor paused). */
const UNFINISHED: readonly string[] = ['PENDING', 'ENQUEUED', 'DELAYED'];

/** The runs whose CANCELLED workflow is stopped, not ended: paused for approval, or parked. */
type StoppedRuns = { approvals: ReadonlySet<string>; parked: ReadonlySet<string> };

async function stoppedRuns(pool: pg.Pool, runIds: readonly string[]): Promise<StoppedRuns> {
  const [approvals, parked] = await Promise.all([
    waitingRuns(pool, runIds),
    parkedRuns(pool, runIds),
  ]);
  return { approvals, parked };
}

/** @internal */
export function createRunsApi(backend: RunsBackend): DurableRuns {
  const pollMs = backend.pollingIntervalMs ?? 1000;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  // A run paused for approval is a CANCELLED workflow with a waiting call (and no cancel by a
  // person): it is reported as PENDING, with `awaitingApproval`.
  // So is a run stopped to wait on its interaction's webhook (`parked`), without `awaitingApproval`.
  const toStatus = (workflow: WorkflowStatus, waiting: StoppedRuns): DurableRunStatus => {
    const paused =
      workflow.status === 'CANCELLED' &&
      (waiting.approvals.has(workflow.workflowID) || waiting.parked.has(workflow.workflowID));
    // A subagent's run: its parent's workflow id and its path, from its input (plain data).
    const child =
      workflow.workflowName === CHILD_WORKFLOW
        ? (workflow.input?.[1] as { parentWorkflowId?: unknown; path?: unknown } | undefined)
        : undefined;
    return {
      ...(typeof child?.parentWorkflowId === 'string' && { parentRunId: child.parentWorkflowId }),
      ...(Array.isArray(child?.path) && {
        path: child.path.filter((segment): segment is string => typeof segment === 'string'),
      }),
      runId: workflow.workflowID,
      status: paused ? 'PENDING' : (workflow.status as DurableRunStatusName),
      awaitingApproval: waiting.approvals.has(workflow.workflowID),
      agent: typeof workflow.input?.[0] === 'string' ? workflow.input[0] : undefined,
      executorId: paused ? undefined : workflow.executorId,
      createdAt: workflow.createdAt,
      updatedAt: workflow.updatedAt,
      dequeuedAt: workflow.dequeuedAt,
      completedAt: paused ? undefined : workflow.completedAt,
      ...(ownerOf(workflow) !== undefined && { owner: ownerOf(workflow) }),
    };
  };
  /**
   * Refuses a caller that gives an owner the run was not started with (or an unknown run, the
   * same way: a stranger learns nothing). Without an owner the server itself calls: no check.
   */
  const checkAccess = async (
    runId: string,
    door: RunDoor,
    caller: string | undefined,
  ): Promise<void> => {
    if (checkOwnerOption(caller, 'owner') === undefined) return;
    const workflow = await backend.getStatus(runId);
    checkRunOwner({
      runId,
      door,
      owner: workflow === undefined ? undefined : ownerOf(workflow),
      caller,
      exists: workflow !== undefined,
    });
  };
  const statusOf = async (runId: string): Promise<DurableRunStatus | undefined> => {
    const workflow = await backend.getStatus(runId);
    if (workflow === undefined) return undefined;
    const waiting = await stoppedRuns(backend.pool, [runId]);
    // Two reads, not one snapshot: a paused run approved between them was resumed (no longer
    // CANCELLED) before its worker took the decision (no longer waiting), so the first read can
    // be a stale CANCELLED beside a fresh "not waiting", which looked like a person's cancel and
    // ended result() with CANCELLED on a busy machine. The status read again after the waiting
    // one tells them apart. (The pause is marked waiting before its workflow stops, so a
    // CANCELLED read first never meets a "not waiting" read after it while paused.)
    if (
      workflow.status === 'CANCELLED' &&
      !waiting.approvals.has(runId) &&
      !waiting.parked.has(runId)
    ) {
      const again = await backend.getStatus(runId);
      if (again !== undefined) return toStatus(again, waiting);
    }
    return toStatus(workflow, waiting);
  };
  const isOver = (status: DurableRunStatus | undefined): boolean =>
    status === undefined || !UNFINISHED.includes(status.status);
  /** @throws {@link DurableRunError} when the run does not exist or is over: nothing was `done`. */
  const checkRunning = async (runId: string, done: 'steered' | 'sent'): Promise<void> => {
    const now = await statusOf(runId);
    if (now !== undefined && !isOver(now)) return;
    throw new DurableRunError({
      message:
        now === undefined
          ? `No durable run has the id "${runId}"; nothing was ${done}.`
          : `Durable run "${runId}" is over (${now.status}); nothing was ${done}. Start a new run with the message.`,
      runId,
      status: now?.status ?? 'NOT_FOUND',
    });
  };
  const runs: DurableRuns = {
    async start(agent, { runId = crypto.randomUUID(), input, history, budget, owner, holder }) {
      checkRunId(runId);
      checkOwnerOption(owner, 'owner');
      if (
        holder !== undefined &&
        (typeof holder !== 'string' || holder === '' || holder.length > MAX_HOLDER_LENGTH)
      ) {
        throw new InvalidArgumentError({
          argument: 'holder',
          message: `start: holder must be the name of the agent holding the conversation, a non-empty string of at most ${MAX_HOLDER_LENGTH} characters.`,
        });
      }
      if (typeof agent !== 'string' || agent === '') {
        throw new InvalidArgumentError({
          argument: 'agent',
          message: 'start: the agent name must be a non-empty string.',
        });
      }
      const request: DurableRunInput = { input };
      if (history !== undefined) request.history = history;
      if (budget !== undefined) request.budget = budget;
      if (owner !== undefined) request.owner = owner;
      if (holder !== undefined) request.holder = holder;
      await backend.enqueue(agent, runId, request);
      return { runId };
    },
    async result(runId) {
      checkRunId(runId);
      // Watching before the first look: an end committed in between is not missed.
      const watch = await backend.notices?.watch(runId);
      try {
        let first = true;
        let wait = pollMs;
        while (true) {
          const workflow = await backend.getStatus(runId);
          if (workflow === undefined && first) throw notFound(runId);
          first = false;
          // Only a final status asks DBOS for the result: DBOS's own wait polls (1 s by default)
          // where the run's end notice (run-end-notices.ts) wakes this one at once.
          if (workflow === undefined || !UNFINISHED.includes(workflow.status)) {
            try {
              return await backend.getResult(runId);
            } catch (error) {
              const now = await statusOf(runId);
              // Paused for approval (its workflow stopped), or resumed since: wait on.
              if (isOver(now)) {
                const status = now?.status ?? 'ERROR';
                throw new DurableRunError({
                  message: `Durable run "${runId}" ended with status ${status}: ${error instanceof Error ? error.message : String(error)}`,
                  runId,
                  status,
                  cause: error,
                });
              }
            }
          }
          await (watch === undefined ? sleep(pollMs) : watch.next(wait));
          // A top run announces its end (run-end-notices.ts), and that wakes this wait: its poll
          // is only the fallback for a notice lost with its connection, so it slows to once a
          // second as the wait goes on (the dbos tests poll at 100 ms: a 10 s wait read the
          // status 100 times, now 13). A subagent's run announces nothing and keeps the pace.
          if (watch !== undefined && workflow?.workflowName === RUN_WORKFLOW) {
            wait = Math.min(wait * 2, Math.max(pollMs, RESULT_FALLBACK_MAX_MS));
          }
        }
      } finally {
        watch?.stop();
      }
    },
    async status(runId) {
      checkRunId(runId);
      return statusOf(runId);
    },
    async ownerOf(runId) {
      checkRunId(runId);
      // Up a subagent's parents to the top run: one status read a level, the tree's depth bounded
      // (a child's parent id is its input, written by the parent's own workflow).
      let id = runId;
      for (let level = 0; level <= MAX_TREE_LEVELS; level += 1) {
        const workflow = await backend.getStatus(id);
        if (workflow === undefined) return undefined;
        if (workflow.workflowName !== CHILD_WORKFLOW) return ownerOf(workflow);
        const parent = (workflow.input?.[1] as { parentWorkflowId?: unknown } | undefined)
          ?.parentWorkflowId;
        if (typeof parent !== 'string') return undefined;
        id = parent;
      }
      return undefined;
    },
    events(runId, { offset = 0, owner } = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          checkRunId(runId);
          checkOffset(offset);
          await checkAccess(runId, 'events', owner);
          let next = offset;
          // Stream entries read so far: a read ends when the run's workflow stops (also when it
          // pauses for approval); the next read, once it runs again, starts after them.
          let entries = 0;
          while (true) {
            try {
              for await (const batch of backend.readStream(runId, entries)) {
                entries++;
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
            } catch (error) {
              // DBOS's readStream throws its own DBOSNonExistentWorkflowError for an id it does
              // not know: the same NOT_FOUND result() throws. Asked only after a failure, so a
              // read of a run that exists costs nothing more.
              if (entries === 0 && (await backend.getStatus(runId)) === undefined) {
                throw notFound(runId, error);
              }
              throw error;
            }
            const now = await statusOf(runId);
            // Nothing read and no run: an unknown id (a backend whose read finds nothing).
            if (now === undefined && entries === 0) throw notFound(runId);
            if (isOver(now)) return;
            await sleep(pollMs);
          }
        },
      };
    },
    async pendingApprovals(runId, { owner } = {}) {
      checkRunId(runId);
      await checkAccess(runId, 'status', owner);
      const calls = await readPendingApprovals(backend, runId);
      // The list is an event the run publishes, and a run cancelled while it waited (or one that
      // failed) never publishes it again: its calls stayed listed, though approve() refuses them.
      if (calls.length > 0 && isOver(await statusOf(runId))) return [];
      return calls;
    },
    async approve(runId, callId, decision, { owner } = {}) {
      checkRunId(runId);
      checkCallId(callId);
      checkDecision(decision);
      await checkAccess(runId, 'approve', owner);
      const listed = await resolveApprovalId(backend, runId, callId);
      // A call of a subagent waits in the subagent's own workflow, under its own approval id.
      const { target, approvalId } = await locateApproval(backend, runId, listed);
      const toolCallId = callId;
      const state = await backend.getEvent<{ status: string }>(target, approvalTopic(approvalId));
      const refuse = (why: 'unknown' | 'decided' | 'timed-out' | 'cancelled'): never => {
        throw new ApprovalNotPendingError({
          message:
            why === 'unknown'
              ? `Run "${runId}" has no call "${toolCallId}" waiting for approval (pendingApprovals() lists those that do).`
              : `The call "${toolCallId}" of run "${runId}" does not wait for approval any more (${why}).`,
          runId,
          toolCallId,
          state: why,
        });
      };
      if (state === null) refuse('unknown');
      if (state?.status !== 'pending')
        refuse(state?.status === 'timed-out' ? 'timed-out' : 'decided');
      if (isOver(await statusOf(target))) refuse('cancelled');
      const recorded = await recordDecision(backend.pool, target, approvalId, decision);
      // The first decision wins; a second one for the same call changes nothing.
      if (recorded === undefined) refuse('decided');
      // The run stopped to wait: it goes back on the queue, any worker replays it.
      if (recorded?.paused === true) await backend.resume(target);
    },
    async steer(runId, message, { mode, idempotencyKey, owner } = {}) {
      checkRunId(runId);
      const steer = toDurableSteer(message, mode);
      await checkAccess(runId, 'steer', owner);
      await checkRunning(runId, 'steered');
      await backend.send(runId, steer, STEER_TOPIC, idempotencyKey ?? crypto.randomUUID());
    },
    async send(runId, topic, value, { idempotencyKey, owner } = {}) {
      checkRunId(runId);
      const name = checkTopic(topic, 'runs.send()');
      // Sent as the JSON checked here: what the run receives is what was measured.
      const json = messageJson(name, value, 'runs.send()');
      if (
        idempotencyKey !== undefined &&
        (typeof idempotencyKey !== 'string' || idempotencyKey === '' || idempotencyKey.length > 200)
      )
        throw new InvalidArgumentError({
          argument: 'options.idempotencyKey',
          message:
            'runs.send(): idempotencyKey must be a non-empty string of at most 200 characters.',
        });
      await checkAccess(runId, 'send', owner);
      await checkRunning(runId, 'sent');
      await backend.send(runId, JSON.parse(json), name, idempotencyKey ?? crypto.randomUUID());
    },
    async wakeInteraction(interactionId) {
      if (typeof interactionId !== 'string' || !INTERACTION_ID.test(interactionId)) {
        throw new InvalidArgumentError({
          argument: 'interactionId',
          message:
            'runs.wakeInteraction(interactionId): interactionId must be the id of an interaction (letters, digits, `.`, `_`, `~`, `-`; at most 512 characters).',
        });
      }
      const woken = await takeInteractionWaits(backend.pool, interactionId);
      for (const { runId, resume, wait } of woken) {
        // Keyed by interaction, run and the wait taken: a webhook Google retries wakes each wait
        // once, and a run that waits on the interaction again is woken again. Sent before the
        // resume: the replayed run finds it waiting.
        await backend.send(
          runId,
          { interactionId },
          INTERACTION_TOPIC,
          `wake:${interactionId}:${runId}:${wait}`,
        );
        // Stopped while it waited (no worker slot held): re-enqueued, replayed by any worker.
        if (resume) await backend.resume(runId);
      }
      return { runIds: woken.map((run) => run.runId) };
    },
    async handleWebhook(delivery) {
      const { id, event } = await verifyWebhook(delivery);
      const interactionId = interactionIdOf(event);
      const runIds =
        event.type.startsWith('interaction.') && interactionId !== undefined
          ? (await runs.wakeInteraction(interactionId)).runIds
          : [];
      return { webhookId: id, event, runIds };
    },
    async cancel(runId, { owner } = {}) {
      checkRunId(runId);
      await checkAccess(runId, 'cancel', owner);
      await markCancelled(backend.pool, runId);
      // Its subagents' runs too (DBOS cancels child workflows with their parent): a paused child
      // no longer waits for a decision, nor is it listed as waiting.
      const children = await backend.listWorkflows({
        workflowName: CHILD_WORKFLOW,
        workflow_id_prefix: childRunsPrefix(runId),
      });
      for (const child of children) await markCancelled(backend.pool, child.workflowID);
      await backend.cancel(runId);
    },
    async list({ status, limit } = {}) {
      checkLimit(limit);
      const wanted =
        status === undefined ? undefined : typeof status === 'string' ? [status] : [...status];
      // Paused runs are CANCELLED workflows reported as PENDING: ask DBOS for both.
      const asked =
        wanted === undefined
          ? undefined
          : wanted.includes('PENDING') && !wanted.includes('CANCELLED')
            ? [...wanted, 'CANCELLED' as const]
            : wanted;
      const workflows = await backend.listWorkflows({
        workflowName: RUN_WORKFLOW,
        ...(asked === undefined ? {} : { status: asked as never }),
        // Filtered below, so the limit too.
        ...(limit === undefined || asked !== undefined ? {} : { limit }),
        sortDesc: true,
        loadInput: true,
      });
      const waiting = await stoppedRuns(
        backend.pool,
        workflows.filter((run) => run.status === 'CANCELLED').map((run) => run.workflowID),
      );
      const statuses = workflows
        .map((workflow) => toStatus(workflow, waiting))
        .filter((run) => wanted === undefined || wanted.includes(run.status));
      return limit === undefined ? statuses : statuses.slice(0, limit);
    },
    async childRuns(runId, { limit = DEFAULT_LISTED_CHILD_RUNS } = {}) {
      checkRunId(runId);
      checkLimit(limit);
      const workflows = await backend.listWorkflows({
        workflowName: CHILD_WORKFLOW,
        workflow_id_prefix: childRunsPrefix(runId),
        loadInput: true,
        limit,
      });
      const waiting = await stoppedRuns(
        backend.pool,
        workflows.filter((run) => run.status === 'CANCELLED').map((run) => run.workflowID),
      );
      return workflows.map((workflow) => toStatus(workflow, waiting));
    },
    close: () => backend.close(),
  };
  return runs;
}

/**
 * The interaction a webhook event is about. Google does not publish the body's schema
 * (ai.google.dev/api/webhooks documents the resource only): the handlers in use read `data.id`;
 * `data.interaction_id`, `data.interaction.id` and a resource name (`interactions/<id>`) are read
 * too, so a body shaped another way still wakes its run. @internal
 */
export function interactionIdOf(event: WebhookEvent): string | undefined {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const nested = data['interaction'] as { id?: unknown } | undefined;
  const name = typeof data['name'] === 'string' ? data['name'].split('/') : [];
  const candidates = [
    data['id'],
    data['interaction_id'],
    nested?.id,
    name.length === 2 && name[0] === 'interactions' ? name[1] : undefined,
  ];
  return candidates.find(
    (candidate): candidate is string =>
      typeof candidate === 'string' && INTERACTION_ID.test(candidate),
  );
}

/** The error of `result()` and `events()` for a run id the database does not know. */
function notFound(runId: string, cause?: unknown): DurableRunError {
  return new DurableRunError({
    message: `No durable run has the id "${runId}".`,
    runId,
    status: 'NOT_FOUND',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** How many child runs `childRuns()` lists by default. */
const DEFAULT_LISTED_CHILD_RUNS = 100;
