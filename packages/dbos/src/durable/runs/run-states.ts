import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { checkOwnerOption } from '@gemloop/core/internal';
import { checkRunOwner, type RunDoor } from '@gemloop/core/web';
import type pg from 'pg';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import { quoteId } from '../../errors/quote-id.ts';
import { waitingRuns } from '../approvals/run-pauses.ts';
import { parkedRuns } from '../interactions/interaction-waits.ts';
import {
  CHILD_WORKFLOW,
  type DurableRunStatus,
  type DurableRunStatusName,
  RUN_WORKFLOW,
} from './durable-run-types.ts';
import type { RunsBackend } from './runs-backend.ts';
import { headFromInput, headOf, type RunHead } from './stored-run-data.ts';

/** The owner a top run was started with, if any (a subagent's run has none of its own). @internal */
export function ownerOf(workflow: WorkflowStatus, head: RunHead | undefined): string | undefined {
  return workflow.workflowName === RUN_WORKFLOW ? head?.owner : undefined;
}

/** Statuses of a workflow that has not ended (nor paused). @internal */
export const UNFINISHED: readonly string[] = ['PENDING', 'ENQUEUED', 'DELAYED'];

/** The runs whose CANCELLED workflow is stopped, not ended: paused for approval, or parked. @internal */
export type StoppedRuns = { approvals: ReadonlySet<string>; parked: ReadonlySet<string> };

/** Which of `runIds` are stopped, not ended (see `StoppedRuns`). @internal */
export async function stoppedRuns(pool: pg.Pool, runIds: readonly string[]): Promise<StoppedRuns> {
  const [approvals, parked] = await Promise.all([
    waitingRuns(pool, runIds),
    parkedRuns(pool, runIds),
  ]);
  return { approvals, parked };
}

/** Whether a run of `status` is over (ended, or unknown: `undefined`). @internal */
export function isOver(status: DurableRunStatusName | undefined): boolean {
  return status === undefined || !UNFINISHED.includes(status);
}

/** The error of `result()` and `events()` for a run id the database does not know. @internal */
export function notFound(runId: string, cause?: unknown): DurableRunError {
  return new DurableRunError({
    message: `No durable run has the id ${quoteId(runId)}.`,
    runId,
    status: 'NOT_FOUND',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** `ms`, or less once `signal` aborts (resolved either way: the caller looks at the signal). @internal */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

// A run paused for approval is a CANCELLED workflow with a waiting call (and no cancel by a
// person): it is reported as PENDING, with `awaitingApproval`.
// So is a run stopped to wait on its interaction's webhook (`parked`), without `awaitingApproval`.
function isPaused(workflow: WorkflowStatus, waiting: StoppedRuns): boolean {
  return (
    workflow.status === 'CANCELLED' &&
    (waiting.approvals.has(workflow.workflowID) || waiting.parked.has(workflow.workflowID))
  );
}

/** The status a run is reported with: a paused (or parked) run's stopped workflow is PENDING. @internal */
export function reportedStatus(
  workflow: WorkflowStatus,
  waiting: StoppedRuns,
): DurableRunStatusName {
  return isPaused(workflow, waiting) ? 'PENDING' : (workflow.status as DurableRunStatusName);
}

/**
 * The heads of `workflows` (agent, owner, parent, path): from their attributes, and for a run
 * started before gemloop wrote them, from its input, loaded for those runs only. @internal
 */
export async function headsOf(
  backend: RunsBackend,
  workflows: readonly WorkflowStatus[],
): Promise<ReadonlyMap<string, RunHead>> {
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
}

/** The head of one workflow (see `headsOf`). @internal */
export async function headOne(
  backend: RunsBackend,
  workflow: WorkflowStatus,
): Promise<RunHead | undefined> {
  return (await headsOf(backend, [workflow])).get(workflow.workflowID);
}

/** A run's status as the runs API reports it, from its workflow, head and waits. @internal */
export function toStatus(
  workflow: WorkflowStatus,
  head: RunHead | undefined,
  waiting: StoppedRuns,
): DurableRunStatus {
  const paused = isPaused(workflow, waiting);
  // A subagent's run: its parent's workflow id and its path.
  const child = workflow.workflowName === CHILD_WORKFLOW ? head : undefined;
  const owner = ownerOf(workflow, head);
  const status = reportedStatus(workflow, waiting);
  return {
    ...(child?.parentRunId !== undefined && { parentRunId: child.parentRunId }),
    ...(child?.path !== undefined && { path: child.path }),
    runId: workflow.workflowID,
    status,
    // A run that ended (its waiting row outlived it: a worker of another version resumed it into
    // an error, a cancel) awaits nothing; the row alone said `awaitingApproval` beside `ERROR`.
    awaitingApproval: UNFINISHED.includes(status) && waiting.approvals.has(workflow.workflowID),
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
}

/** The reported statuses of `workflows`, their heads read together. @internal */
export async function statusesOf(
  backend: RunsBackend,
  workflows: readonly WorkflowStatus[],
  waiting: StoppedRuns,
): Promise<DurableRunStatus[]> {
  const heads = await headsOf(backend, workflows);
  return workflows.map((workflow) => toStatus(workflow, heads.get(workflow.workflowID), waiting));
}

/**
 * Refuses a caller that gives an owner the run was not started with (or an unknown run, the
 * same way: a stranger learns nothing). Without an owner the server itself calls: no check.
 * @internal
 */
export async function checkAccess(
  backend: RunsBackend,
  runId: string,
  door: RunDoor,
  caller: string | undefined,
): Promise<void> {
  if (checkOwnerOption(caller, 'owner') === undefined) return;
  const workflow = await backend.getStatus(runId);
  checkRunOwner({
    runId,
    door,
    owner: workflow === undefined ? undefined : ownerOf(workflow, await headOne(backend, workflow)),
    caller,
    exists: workflow !== undefined,
  });
}

/**
 * The run's workflow as it stands and whether it waits (what its reported status is made of),
 * without its head: a run started before gemloop wrote its head as attributes loads its whole
 * input for one, and the waits that only ask whether a run is over (`events()` between reads,
 * `pendingApprovals`, `approve`, `result()`, steer and send) loaded it again at each look. @internal
 */
export async function stateOf(
  backend: RunsBackend,
  runId: string,
): Promise<{ workflow: WorkflowStatus; waiting: StoppedRuns } | undefined> {
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
}

/** The run's reported status with its head, `undefined` for no run. @internal */
export async function statusOf(
  backend: RunsBackend,
  runId: string,
): Promise<DurableRunStatus | undefined> {
  const state = await stateOf(backend, runId);
  return state === undefined
    ? undefined
    : (await statusesOf(backend, [state.workflow], state.waiting))[0];
}

/** The run's reported status alone (no head, so no input loaded), `undefined` for no run. @internal */
export async function statusNameOf(
  backend: RunsBackend,
  runId: string,
): Promise<DurableRunStatusName | undefined> {
  const state = await stateOf(backend, runId);
  return state === undefined ? undefined : reportedStatus(state.workflow, state.waiting);
}

/** @throws {@link DurableRunError} when the run does not exist or is over: nothing was `done`. @internal */
export async function checkRunning(
  backend: RunsBackend,
  runId: string,
  done: 'steered' | 'sent',
): Promise<void> {
  const now = await statusNameOf(backend, runId);
  if (now !== undefined && !isOver(now)) return;
  throw new DurableRunError({
    message:
      now === undefined
        ? `No durable run has the id ${quoteId(runId)}; nothing was ${done}.`
        : `Durable run ${quoteId(runId)} is over (${now}); nothing was ${done}. Start a new run with the message.`,
    runId,
    status: now ?? 'NOT_FOUND',
  });
}
