import type { DBOSClient, WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import { verifyWebhook } from '@gemloop/core/interactions';
import {
  checkGenerationConfig,
  checkOwnerOption,
  checkTopic,
  messageJson,
} from '@gemloop/core/internal';
import { checkRunOwner, type RunDoor } from '@gemloop/core/web';
import type pg from 'pg';
import { ApprovalNotPendingError } from '../../errors/approval-not-pending-error.ts';
import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import { approvalTopic } from '../approvals/approvals.ts';
import {
  locateApproval,
  readPendingApprovals,
  resolveApprovalId,
} from '../approvals/pending-approvals.ts';
import { markCancelled, recordDecision, waitingRuns } from '../approvals/run-pauses.ts';
import type { EventBatch } from '../events/run-events.ts';
import { INTERACTION_ID, interactionIdOf } from '../interactions/interaction-id-of.ts';
import {
  INTERACTION_TOPIC,
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
  checkOptionKeys,
  checkRunId,
} from './check-runs-arguments.ts';
import {
  CHILD_WORKFLOW,
  childRunsPrefix,
  type DurableRunInput,
  type DurableRunResult,
  type DurableRunStatus,
  type DurableRunStatusName,
  RUN_WORKFLOW,
  type RunAccessOptions,
} from './durable-run-types.ts';
import type { DurableRuns, StartRunOptions } from './durable-runs.ts';
import type { RunEndNotices } from './run-end-notices.ts';
import { checkRunInputSize, DEFAULT_MAX_INPUT_BYTES } from './run-input-limit.ts';
import {
  checkEventBatch,
  headFromInput,
  headOf,
  isUnreadableValue,
  ownerAttributes,
  type RunHead,
  runAttributes,
} from './stored-run-data.ts';

/** Longest `holder` name a run starts with (an agent's handoff name). */
const MAX_HOLDER_LENGTH = 200;

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

/** The slowest a `result()` wait on an announced end polls (the default `pollingIntervalMs`). */
const RESULT_FALLBACK_MAX_MS = 1000;

/** The most subagent levels `ownerOf` climbs: far past any tree an agent makes. */
const MAX_TREE_LEVELS = 64;

/** The owner a top run was started with, if any (a subagent's run has none of its own). */
function ownerOf(workflow: WorkflowStatus, head: RunHead | undefined): string | undefined {
  return workflow.workflowName === RUN_WORKFLOW ? head?.owner : undefined;
}

/** How many workflows `list()` with a status filter asks DBOS for at a time. */
const LIST_PAGE = 100;

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

// Every option of each method, for checkOptionKeys (a misspelt `owner` refused, not ignored).
const ACCESS = { owner: true } as const satisfies Record<keyof RunAccessOptions, true>;
const EVENTS = { ...ACCESS, offset: true, signal: true } as const;
const STEER = { ...ACCESS, mode: true, idempotencyKey: true } as const satisfies Record<
  keyof (DurableSteerOptions & RunAccessOptions),
  true
>;
const SEND = { ...ACCESS, idempotencyKey: true } as const satisfies Record<
  keyof (DurableSendOptions & RunAccessOptions),
  true
>;
const START = {
  runId: true,
  input: true,
  history: true,
  budget: true,
  generationConfig: true,
  owner: true,
  holder: true,
} as const satisfies Record<keyof StartRunOptions, true>;
const LIST = { status: true, limit: true, owner: true } as const;
const LIMIT = { limit: true } as const;
const SIGNAL = { signal: true } as const;

/** Refuses a `signal` of `method` that is not an `AbortSignal`. */
function checkSignal(signal: unknown, method: 'events' | 'result'): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError({
      argument: 'signal',
      message: `${method}: signal must be an AbortSignal (an AbortController's signal), or left out.`,
    });
  }
}

/**
 * `source`'s values until `signal` aborts: a read waiting in DBOS (which polls a running run's
 * stream until it writes) is left at the abort, not awaited; DBOS ends it at the run's next
 * entry or end. The values it held are not read.
 */
async function* untilAborted<T>(
  source: AsyncGenerator<T, void, unknown>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, unknown> {
  if (signal === undefined) return yield* source;
  let onAbort = (): void => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
  });
  if (signal.aborted) onAbort();
  // Removed when this read ends: a run polled each second for days makes a read a second.
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      const pending = source.next();
      // A read left at the abort may still fail later: nobody waits for it then.
      pending.catch(() => {});
      const read = await Promise.race([pending, aborted]);
      if (read === 'aborted' || read.done) return;
      yield read.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Ends the read whichever way this one ends (an abort, the caller's `break`); after a
    // pending `next()` when aborted, not awaited.
    void source.return(undefined).catch(() => {});
  }
}

/** @internal */
export function createRunsApi(backend: RunsBackend): DurableRuns {
  const pollMs = backend.pollingIntervalMs ?? 1000;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  /** `ms`, or less once `signal` aborts (resolved either way: the caller looks at the signal). */
  const pause = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
    signal === undefined
      ? sleep(ms)
      : new Promise((resolve) => {
          if (signal.aborted) return resolve();
          const done = (): void => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          signal.addEventListener('abort', done, { once: true });
        });
  // A run paused for approval is a CANCELLED workflow with a waiting call (and no cancel by a
  // person): it is reported as PENDING, with `awaitingApproval`.
  // So is a run stopped to wait on its interaction's webhook (`parked`), without `awaitingApproval`.
  const isPaused = (workflow: WorkflowStatus, waiting: StoppedRuns): boolean =>
    workflow.status === 'CANCELLED' &&
    (waiting.approvals.has(workflow.workflowID) || waiting.parked.has(workflow.workflowID));
  const reportedStatus = (workflow: WorkflowStatus, waiting: StoppedRuns): DurableRunStatusName =>
    isPaused(workflow, waiting) ? 'PENDING' : (workflow.status as DurableRunStatusName);
  /**
   * The heads of `workflows` (agent, owner, parent, path): from their attributes, and for a run
   * started before gemloop wrote them, from its input, loaded for those runs only.
   */
  const headsOf = async (
    workflows: readonly WorkflowStatus[],
  ): Promise<ReadonlyMap<string, RunHead>> => {
    const heads = new Map<string, RunHead>();
    const older: string[] = [];
    for (const workflow of workflows) {
      const head = headOf(workflow);
      if (head === undefined) older.push(workflow.workflowID);
      else heads.set(workflow.workflowID, head);
    }
    if (older.length === 0) return heads;
    const loaded = await backend.listWorkflows({
      workflowIDs: older,
      loadInput: true,
      loadOutput: false,
    });
    for (const workflow of loaded) {
      heads.set(
        workflow.workflowID,
        headFromInput(workflow, workflow.workflowName === CHILD_WORKFLOW),
      );
    }
    return heads;
  };
  const headOne = async (workflow: WorkflowStatus): Promise<RunHead | undefined> =>
    (await headsOf([workflow])).get(workflow.workflowID);
  const toStatus = (
    workflow: WorkflowStatus,
    head: RunHead | undefined,
    waiting: StoppedRuns,
  ): DurableRunStatus => {
    const paused = isPaused(workflow, waiting);
    // A subagent's run: its parent's workflow id and its path.
    const child = workflow.workflowName === CHILD_WORKFLOW ? head : undefined;
    const owner = ownerOf(workflow, head);
    return {
      ...(child?.parentRunId !== undefined && { parentRunId: child.parentRunId }),
      ...(child?.path !== undefined && { path: child.path }),
      runId: workflow.workflowID,
      status: reportedStatus(workflow, waiting),
      awaitingApproval: waiting.approvals.has(workflow.workflowID),
      agent: head?.agent,
      executorId: paused ? undefined : workflow.executorId,
      createdAt: workflow.createdAt,
      updatedAt: workflow.updatedAt,
      dequeuedAt: workflow.dequeuedAt,
      completedAt: paused ? undefined : workflow.completedAt,
      ...(owner !== undefined && { owner }),
      ...(typeof workflow.applicationVersion === 'string' && {
        applicationVersion: workflow.applicationVersion,
      }),
    };
  };
  const statusesOf = async (
    workflows: readonly WorkflowStatus[],
    waiting: StoppedRuns,
  ): Promise<DurableRunStatus[]> => {
    const heads = await headsOf(workflows);
    return workflows.map((workflow) => toStatus(workflow, heads.get(workflow.workflowID), waiting));
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
      owner: workflow === undefined ? undefined : ownerOf(workflow, await headOne(workflow)),
      caller,
      exists: workflow !== undefined,
    });
  };
  /**
   * The run's workflow as it stands and whether it waits (what its reported status is made of),
   * without its head: a run started before gemloop wrote its head as attributes loads its whole
   * input for one, and the waits that only ask whether a run is over (`events()` between reads,
   * `pendingApprovals`, `approve`, `result()`, steer and send) loaded it again at each look.
   */
  const stateOf = async (
    runId: string,
  ): Promise<{ workflow: WorkflowStatus; waiting: StoppedRuns } | undefined> => {
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
      if (again !== undefined) return { workflow: again, waiting };
    }
    return { workflow, waiting };
  };
  const statusOf = async (runId: string): Promise<DurableRunStatus | undefined> => {
    const state = await stateOf(runId);
    return state === undefined ? undefined : (await statusesOf([state.workflow], state.waiting))[0];
  };
  /** The run's reported status alone (no head, so no input loaded), `undefined` for no run. */
  const statusNameOf = async (runId: string): Promise<DurableRunStatusName | undefined> => {
    const state = await stateOf(runId);
    return state === undefined ? undefined : reportedStatus(state.workflow, state.waiting);
  };
  const isOver = (status: DurableRunStatusName | undefined): boolean =>
    status === undefined || !UNFINISHED.includes(status);
  /** @throws {@link DurableRunError} when the run does not exist or is over: nothing was `done`. */
  const checkRunning = async (runId: string, done: 'steered' | 'sent'): Promise<void> => {
    const now = await statusNameOf(runId);
    if (now !== undefined && !isOver(now)) return;
    throw new DurableRunError({
      message:
        now === undefined
          ? `No durable run has the id "${runId}"; nothing was ${done}.`
          : `Durable run "${runId}" is over (${now}); nothing was ${done}. Start a new run with the message.`,
      runId,
      status: now ?? 'NOT_FOUND',
    });
  };
  const runs: DurableRuns = {
    async start(agent, options) {
      checkOptionKeys(options, START, 'runs.start()');
      const {
        runId = crypto.randomUUID(),
        input,
        history,
        budget,
        generationConfig,
        owner,
        holder,
      } = options;
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
      if (generationConfig !== undefined) {
        if (!isPlainObject(generationConfig)) {
          throw new InvalidArgumentError({
            argument: 'generationConfig',
            message:
              'start: generationConfig must be an object such as { temperature: 0.2 } (stored as JSON with the run).',
          });
        }
        // Its fields as a run's are checked (finite numbers, int32s), here rather than on the
        // worker: a run that can only fail is not enqueued (attack-core7). What the agent sets
        // itself is refused by the worker's agent, which knows its `thinking` and `output`.
        checkGenerationConfig(generationConfig, 'generationConfig');
        request.generationConfig = generationConfig;
      }
      if (owner !== undefined) request.owner = owner;
      if (holder !== undefined) request.holder = holder;
      checkRunInputSize(runId, agent, request, backend.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
      await backend.enqueue(agent, runId, request, runAttributes({ agent, owner }));
      return { runId };
    },
    async result(runId, options = {}) {
      checkOptionKeys(options, SIGNAL, 'runs.result()');
      const { signal } = options;
      checkRunId(runId);
      checkSignal(signal, 'result');
      signal?.throwIfAborted();
      // Watching before the first look: an end committed in between is not missed.
      const watch = await backend.notices?.watch(runId);
      try {
        let first = true;
        let wait = pollMs;
        while (true) {
          // Looked at each turn (a watch's wait is at most about a second, a poll is cut short).
          signal?.throwIfAborted();
          const workflow = await backend.getStatus(runId);
          if (workflow === undefined && first) throw notFound(runId);
          first = false;
          // Only a final status asks DBOS for the result: DBOS's own wait polls (1 s by default)
          // where the run's end notice (run-end-notices.ts) wakes this one at once.
          if (workflow === undefined || !UNFINISHED.includes(workflow.status)) {
            let result: unknown = NOT_READ;
            try {
              result = await backend.getResult(runId);
            } catch (error) {
              const now = await statusNameOf(runId);
              // A SUCCESS whose result DBOS cannot parse: a row edited or cut short (attack24).
              if (now === 'SUCCESS' && isUnreadableValue(error)) {
                throw new DurableRunDataError({ runId, row: 'result', problem: 'is not JSON' });
              }
              // Paused for approval (its workflow stopped), or resumed since: wait on.
              if (isOver(now)) {
                const status = now ?? 'ERROR';
                throw new DurableRunError({
                  message: `Durable run "${runId}" ended with status ${status}: ${error instanceof Error ? error.message : String(error)}`,
                  runId,
                  status,
                  cause: error,
                });
              }
            }
            if (result !== NOT_READ) return checkStoredResult(runId, result);
          }
          await (watch === undefined ? pause(pollMs, signal) : watch.next(wait));
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
        const head = await headOne(workflow);
        if (workflow.workflowName !== CHILD_WORKFLOW) return ownerOf(workflow, head);
        const parent = head?.parentRunId;
        if (parent === undefined) return undefined;
        id = parent;
      }
      return undefined;
    },
    events(runId, options = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          checkOptionKeys(options, EVENTS, 'runs.events()');
          const { offset = 0, owner, signal } = options;
          checkRunId(runId);
          checkOffset(offset);
          checkSignal(signal, 'events');
          await checkAccess(runId, 'events', owner);
          let next = offset;
          // Stream entries read so far: a read ends when the run's workflow stops (also when it
          // pauses for approval); the next read, once it runs again, starts after them.
          let entries = 0;
          while (!signal?.aborted) {
            try {
              for await (const entry of untilAborted(backend.readStream(runId, entries), signal)) {
                // A row of the database: checked before any of its events is yielded (attack24).
                const batch = checkEventBatch(runId, entries, entry, next);
                entries++;
                for (let index = 0; index < batch.events.length; index++) {
                  const eventIndex = batch.from + index;
                  // Entries may overlap (a step re-run after a crash writes its events again).
                  if (eventIndex < next) continue;
                  const event = batch.events[index] as EventBatch['events'][number];
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
              // An entry DBOS cannot parse; the parser's message quotes the row (attack24).
              if (isUnreadableValue(error)) {
                throw new DurableRunDataError({
                  runId,
                  row: 'events',
                  entry: entries,
                  problem: 'is not JSON',
                });
              }
              throw error;
            }
            if (signal?.aborted) return;
            const now = await statusNameOf(runId);
            // Nothing read and no run: an unknown id (a backend whose read finds nothing).
            if (now === undefined && entries === 0) throw notFound(runId);
            if (isOver(now)) return;
            // A reader gone (a page closed) while the run waits for a decision, for days: its
            // signal ends this poll, which a `return()` cannot reach between two yields (attack40).
            await pause(pollMs, signal);
          }
        },
      };
    },
    async pendingApprovals(runId, options = {}) {
      checkOptionKeys(options, ACCESS, 'runs.pendingApprovals()');
      const { owner } = options;
      checkRunId(runId);
      await checkAccess(runId, 'status', owner);
      const calls = await readPendingApprovals(backend, runId);
      // The list is an event the run publishes, and a run cancelled while it waited (or one that
      // failed) never publishes it again: its calls stayed listed, though approve() refuses them.
      if (calls.length > 0 && isOver(await statusNameOf(runId))) return [];
      return calls;
    },
    async approve(runId, callId, decision, options = {}) {
      checkOptionKeys(options, ACCESS, 'runs.approve()');
      const { owner } = options;
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
      if (isOver(await statusNameOf(target))) refuse('cancelled');
      const recorded = await recordDecision(backend.pool, target, approvalId, decision, {
        refuseExpired: true,
      });
      // The first decision wins; a second one for the same call changes nothing.
      if (recorded === undefined) refuse('decided');
      if (recorded === 'timed-out') refuse('timed-out');
      // The run stopped to wait: it goes back on the queue, any worker replays it.
      if (typeof recorded === 'object' && recorded.paused) await backend.resume(target);
    },
    async steer(runId, message, options = {}) {
      checkOptionKeys(options, STEER, 'runs.steer()');
      const { mode, idempotencyKey, owner } = options;
      checkRunId(runId);
      const steer = toDurableSteer(message, mode);
      await checkAccess(runId, 'steer', owner);
      await checkRunning(runId, 'steered');
      await backend.send(runId, steer, STEER_TOPIC, idempotencyKey ?? crypto.randomUUID());
    },
    async send(runId, topic, value, options = {}) {
      checkOptionKeys(options, SEND, 'runs.send()');
      const { idempotencyKey, owner } = options;
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
    async cancel(runId, options = {}) {
      checkOptionKeys(options, ACCESS, 'runs.cancel()');
      const { owner } = options;
      checkRunId(runId);
      await checkAccess(runId, 'cancel', owner);
      await markCancelled(backend.pool, runId);
      // Its subagents' runs too (DBOS cancels child workflows with their parent): a paused child
      // no longer waits for a decision, nor is it listed as waiting.
      const children = await backend.listWorkflows({
        workflowName: CHILD_WORKFLOW,
        workflow_id_prefix: childRunsPrefix(runId),
        loadInput: false,
        loadOutput: false,
      });
      for (const child of children) await markCancelled(backend.pool, child.workflowID);
      await backend.cancel(runId);
    },
    async list(options = {}) {
      checkOptionKeys(options, LIST, 'runs.list()');
      const { status, limit } = options;
      checkLimit(limit);
      const owner = checkOwnerOption(options.owner, 'owner');
      const wanted =
        status === undefined ? undefined : typeof status === 'string' ? [status] : [...status];
      // Paused runs are CANCELLED workflows reported as PENDING: ask DBOS for both.
      const asked =
        wanted === undefined
          ? undefined
          : wanted.includes('PENDING') && !wanted.includes('CANCELLED')
            ? [...wanted, 'CANCELLED' as const]
            : wanted;
      // Without inputs or outputs (a run's agent and owner are its attributes), the limit held
      // before any input is loaded: a status filter reads pages until `limit` runs match, since a
      // CANCELLED workflow may be a paused run (PENDING) or not (attack24b: `list({ limit: 3 })`
      // read every run's input, 5.8 s for three of 100 MB).
      const kept: { workflow: WorkflowStatus; waiting: StoppedRuns }[] = [];
      const seen = new Set<string>();
      const page =
        limit === undefined ? undefined : asked === undefined ? limit : Math.max(limit, LIST_PAGE);
      for (let offset = 0; limit === undefined || kept.length < limit; ) {
        const workflows = await backend.listWorkflows({
          workflowName: RUN_WORKFLOW,
          // In the query, not after it: a page filtered here let another owner's newer runs push
          // this owner's off it (leftovers41). A run started before gemloop wrote its owner as an
          // attribute (its input only) is not matched.
          ...(owner === undefined ? {} : { attributes: ownerAttributes(owner) }),
          ...(asked === undefined ? {} : { status: asked as never }),
          ...(page === undefined ? {} : { limit: page, offset }),
          sortDesc: true,
          loadInput: false,
          loadOutput: false,
        });
        const waiting = await stoppedRuns(
          backend.pool,
          workflows.filter((run) => run.status === 'CANCELLED').map((run) => run.workflowID),
        );
        for (const workflow of workflows) {
          // A run started between two pages moves the later ones down: read once.
          if (seen.has(workflow.workflowID)) continue;
          seen.add(workflow.workflowID);
          if (wanted !== undefined && !wanted.includes(reportedStatus(workflow, waiting))) continue;
          if (limit !== undefined && kept.length >= limit) break;
          kept.push({ workflow, waiting });
        }
        if (page === undefined || workflows.length < page || asked === undefined) break;
        offset += page;
      }
      const heads = await headsOf(kept.map(({ workflow }) => workflow));
      return kept.map(({ workflow, waiting }) =>
        toStatus(workflow, heads.get(workflow.workflowID), waiting),
      );
    },
    async childRuns(runId, options = {}) {
      checkOptionKeys(options, LIMIT, 'runs.childRuns()');
      const { limit = DEFAULT_LISTED_CHILD_RUNS } = options;
      checkRunId(runId);
      checkLimit(limit);
      const workflows = await backend.listWorkflows({
        workflowName: CHILD_WORKFLOW,
        workflow_id_prefix: childRunsPrefix(runId),
        loadInput: false,
        loadOutput: false,
        limit,
      });
      const waiting = await stoppedRuns(
        backend.pool,
        workflows.filter((run) => run.status === 'CANCELLED').map((run) => run.workflowID),
      );
      return statusesOf(workflows, waiting);
    },
    close: () => backend.close(),
  };
  return runs;
}

// why (sentinel): compared by identity inside this module, carries nothing.
/** `result()`'s marker of a result not read (a paused run's: the wait goes on). */
const NOT_READ: unique symbol = Symbol('not read');

/** A stored result as `result()` returns it: an object, as every agent result is (attack24). */
function checkStoredResult(runId: string, result: unknown): DurableRunResult {
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    return result as DurableRunResult;
  }
  throw new DurableRunDataError({
    runId,
    row: 'result',
    problem: 'is not an agent result (an object)',
  });
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

/** An object of JSON's kind: not null, not an array, not a class instance. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
