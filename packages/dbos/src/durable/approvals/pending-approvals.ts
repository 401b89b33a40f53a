import type { DBOSClient, WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import type pg from 'pg';
import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import { quoteId } from '../../errors/quote-id.ts';
import { CHILD_WORKFLOW, childRunsPrefix } from '../runs/durable-run-types.ts';
import { isUnreadableValue } from '../runs/stored-run-data.ts';
import { PENDING_APPROVALS_KEY, type PendingApproval } from './approvals.ts';
import { approvalIdsOfCall, waitingRuns } from './run-pauses.ts';

/**
 * What the readers of pending approvals use of the runs API's backend (`RunsBackend` in
 * create-runs-api.ts): the approvals pool, DBOS's events and its workflow list. @internal
 */
export type ApprovalsBackend = {
  pool: pg.Pool;
  getEvent<T>(runId: string, key: string): Promise<T | null>;
  listWorkflows(input: Parameters<DBOSClient['listWorkflows']>[0]): Promise<WorkflowStatus[]>;
};

/** Most subagent runs of one run whose waiting calls `pendingApprovals()` lists. */
const MAX_LISTED_CHILD_RUNS = 100;

/**
 * The run's pending calls, and those of the subagents below it (child workflows, paused with
 * their own lists): a subagent's call is listed with its `path`, its `childRunId`, and an
 * approval id prefixed by its child run's place (`1.0:call-research/1.0:call-refund`), so
 * `approve(runId, approvalId)` of the top run reaches it.
 * @internal
 */
export async function readPendingApprovals(
  backend: ApprovalsBackend,
  runId: string,
): Promise<PendingApproval[]> {
  const own = await readOwnPendingApprovals(backend, runId);
  const children = await backend.listWorkflows({
    workflowName: CHILD_WORKFLOW,
    workflow_id_prefix: childRunsPrefix(runId),
    status: ['CANCELLED', 'PENDING', 'ENQUEUED'],
    limit: MAX_LISTED_CHILD_RUNS,
    // Ids and statuses only: DBOS loads each child's input and output unless told (attack24b).
    loadInput: false,
    loadOutput: false,
  });
  // A CANCELLED child waits only when paused (not cancelled with its run).
  const paused = await waitingRuns(
    backend.pool,
    children.filter((child) => child.status === 'CANCELLED').map((child) => child.workflowID),
  );
  for (const child of children) {
    if (child.status === 'CANCELLED' && !paused.has(child.workflowID)) continue;
    const place = child.workflowID.slice(runId.length + 1);
    for (const call of await readOwnPendingApprovals(backend, child.workflowID)) {
      own.push({
        ...call,
        approvalId: `${place}/${call.approvalId}`,
        childRunId: child.workflowID,
      });
    }
  }
  return own;
}

/** The run whose workflow waits for the listed call, and the call's approval id there. @internal */
export async function locateApproval(
  backend: ApprovalsBackend,
  runId: string,
  listedId: string,
): Promise<{ target: string; approvalId: string }> {
  const call = (await readPendingApprovals(backend, runId)).find(
    (pending) => pending.approvalId === listedId,
  );
  if (call?.childRunId === undefined) return { target: runId, approvalId: listedId };
  const place = call.childRunId.slice(runId.length + 1);
  return { target: call.childRunId, approvalId: listedId.slice(place.length + 1) };
}

/** One run's own pending calls, as published (a DBOS event: data from a database, checked). */
async function readOwnPendingApprovals(
  backend: ApprovalsBackend,
  runId: string,
): Promise<PendingApproval[]> {
  let list: unknown;
  try {
    list = await backend.getEvent<unknown>(runId, PENDING_APPROVALS_KEY);
  } catch (error) {
    // A row DBOS cannot parse: named, its text not quoted (V8's message quotes it; attack24).
    if (!isUnreadableValue(error)) throw error;
    throw new DurableRunDataError({ runId, row: 'approvals', problem: 'is not JSON' });
  }
  if (!Array.isArray(list)) return [];
  const calls: PendingApproval[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const call = entry as PendingApproval;
    if (typeof call.toolCallId !== 'string') continue;
    if (typeof call.approvalId === 'string') calls.push(call);
    else if (typeof call.stepNumber === 'number') calls.push(earlierVersionCall(call, calls));
  }
  return calls;
}

/**
 * A call listed by a gemloop from before approval ids (2026-11-23): `{ toolCallId, toolName,
 * args, stepNumber }`, one per waiting call, in call order. Listed, so that the run waiting for
 * it is not shown as awaiting nothing, keyed as that version keyed it (its id), and marked: this
 * version cannot replay the run (approve-run-call.ts refuses it).
 */
function earlierVersionCall(
  call: Omit<PendingApproval, 'approvalId' | 'callIndex'>,
  before: readonly PendingApproval[],
): PendingApproval {
  const callIndex = before.filter((each) => each.stepNumber === call.stepNumber).length;
  return { ...call, approvalId: call.toolCallId, callIndex, earlierVersion: true };
}

/**
 * The approval id `approve()` was given, or the one of the single waiting call whose model id
 * it is (two waiting calls with that model id: the caller must say which). A model id of no
 * waiting call names the last call with that id, so the refusal says what became of it.
 * @internal
 */
export async function resolveApprovalId(
  backend: ApprovalsBackend,
  runId: string,
  callId: string,
): Promise<string> {
  const pending = await readPendingApprovals(backend, runId);
  if (pending.some((call) => call.approvalId === callId)) return callId;
  const sameId = pending.filter((call) => call.toolCallId === callId);
  if (sameId.length > 1) {
    throw new InvalidArgumentError({
      argument: 'callId',
      message: `approve: ${sameId.length} calls of run ${quoteId(runId)} that wait for approval have the id ${quoteId(callId)}; pass the approvalId of the one you mean (${sameId.map((call) => call.approvalId).join(', ')}).`,
    });
  }
  const only = sameId[0];
  if (only !== undefined) return only.approvalId;
  return (await approvalIdsOfCall(backend.pool, runId, callId)).at(-1) ?? callId;
}
