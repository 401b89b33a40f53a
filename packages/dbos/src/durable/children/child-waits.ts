import { type RunPauser, stopOrCancelled } from '../approvals/approvals.ts';
import {
  APPROVALS_TABLE,
  lookupApproval,
  markPaused,
  recordDecision,
  waitingRuns,
} from '../approvals/run-pauses.ts';

/**
 * How long a parent waits on a paused child before the approval sweep would resume it: never in
 * practice (100 years). The child's own approval has its deadline; when it passes, the child is
 * resumed, denies the call, ends, and resumes its parent.
 */
const CHILD_WAIT_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/** First and longest pause between two looks at a running child's status. */
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1000;

/**
 * The row of the approvals table a parent waits on while its child is paused: a "decision" the
 * child's end records (`child:<child id below the parent>`). Its `waiting` flag makes the parent
 * `awaitingApproval` in `runs.status()`.
 */
function childWaitId(parentRunId: string, childRunId: string): string {
  return `child:${childRunId.slice(parentRunId.length + 1)}`;
}

/** What a parent found its child doing. @internal */
export type ChildState = 'ended' | 'paused';

/**
 * Waits until the child workflow `childRunId` ends (SUCCESS, ERROR, or cancelled by a person) or
 * pauses for an approval (CANCELLED with a call waiting: the approval hook marks the call waiting
 * before it stops the child). Reads only: nothing here is an operation of the parent's workflow,
 * so a replay that finds the child in another state takes the same recorded path afterwards.
 * @internal
 */
export async function waitForChild(
  pauser: RunPauser,
  status: (runId: string) => Promise<string | undefined>,
  childRunId: string,
): Promise<ChildState> {
  for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(MAX_POLL_MS, pollMs * 2)) {
    const now = await status(childRunId);
    if (now === 'SUCCESS' || now === 'ERROR' || now === 'MAX_RECOVERY_ATTEMPTS_EXCEEDED')
      return 'ended';
    if (now === 'CANCELLED') {
      return (await waitingRuns(pauser.pool, [childRunId])).has(childRunId) ? 'paused' : 'ended';
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Pauses the parent of a paused child, as the approval hook pauses a run: the parent's workflow is
 * stopped (its queue slot free) and its row says it waits. Returns `false` when the child ended
 * meanwhile (its end recorded the row's decision): the parent goes on waiting for its result.
 * @internal
 */
export async function pauseForChild(
  pauser: RunPauser,
  parentRunId: string,
  childRunId: string,
): Promise<boolean> {
  const waitId = childWaitId(parentRunId, childRunId);
  const found = await lookupApproval(pauser.pool, parentRunId, waitId, CHILD_WAIT_MS);
  if (found.type !== 'none') return false;
  // Stop first, then say "paused": the child's end, which resumes a paused parent, never resumes
  // one still running here. DBOS's own cancel of the parent that lands before the stop ends it
  // cancelled (its wait row no longer waiting), not with the stop's conflict.
  await stopOrCancelled(pauser, parentRunId);
  const state = await markPaused(pauser.pool, parentRunId, waitId);
  if (state === 'resume') await pauser.resume(parentRunId);
  return true;
}

/**
 * Tells a parent its child ended: records the end on the parent's wait row (the first record wins;
 * an execution of the child replayed after its end records nothing more) and resumes the parent
 * when it paused waiting on it. A process that dies between the two leaves the row decided and
 * still `waiting`, which the approval sweep finds (a stopped run whose decision came) and resumes.
 * @internal
 */
export async function childEnded(
  pauser: RunPauser,
  parentRunId: string,
  childRunId: string,
): Promise<void> {
  const waitId = childWaitId(parentRunId, childRunId);
  const recorded = await recordDecision(pauser.pool, parentRunId, waitId, { type: 'approve' });
  if (typeof recorded === 'object' && recorded.paused) await pauser.resume(parentRunId);
}

/**
 * Clears the parent's "waiting on a child" once it has the child's outcome, so its status no
 * longer says it awaits a decision (a row only a paused parent has; one statement).
 * @internal
 */
export async function doneWaiting(
  pauser: RunPauser,
  parentRunId: string,
  childRunId: string,
): Promise<void> {
  await pauser.pool.query(
    `UPDATE ${APPROVALS_TABLE} SET waiting = false WHERE run_id = $1 AND tool_call_id = $2 AND waiting`,
    [parentRunId, childWaitId(parentRunId, childRunId)],
  );
}
