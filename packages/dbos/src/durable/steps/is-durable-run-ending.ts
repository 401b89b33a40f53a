import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { DurableReplayMismatchError } from '../../errors/durable-replay-mismatch-error.ts';
import { RunPausedSignal } from '../approvals/approvals.ts';

/**
 * The errors that end a durable run's execution as they are (the agent's `isRunEndingError`),
 * never the error of the tool or model call they came through:
 *
 * - `DBOSWorkflowConflictError`: this execution no longer owns the run (a worker frozen past
 *   `deadAfterMs` whose run was taken over, or a run cancelled, which clears its owner). DBOS's
 *   intent: "Raised when an execution no longer owns its workflow, so it must stop and adopt the
 *   owner's outcome" (`@dbos-inc/dbos-sdk` 5.3, `dist/src/error.js`); `runStep` rethrows it
 *   without recording it, and the workflow wrapper parks the execution on the owner's outcome
 *   (`dist/src/dbos-executor.js`, `runWorkflow`'s catch).
 * - `DBOSWorkflowCancelledError`: the run was cancelled (by a person, or paused for approval);
 *   DBOS checks it at each step's start and after a step that failed once the cancel was seen,
 *   and the wrapper treats the workflow's own one as "stopped", not as its failure.
 * - {@link RunPausedSignal}: the approval hook stopped the run to wait for a person.
 * - {@link DurableReplayMismatchError} (and DBOS's `DBOSUnexpectedStepError` it wraps): a replay
 *   met another step than the recorded one; the run fails with it, loudly, rather than the model
 *   seeing it as a tool's failure and the run going on past a record it cannot trust.
 *
 * Each of these reaching the model as a tool error had it called again by the execution that
 * lost the run, beside the new owner (issue 26).
 * @internal
 */
export function isDurableRunEnding(error: unknown): boolean {
  return (
    error instanceof DBOSErrors.DBOSWorkflowConflictError ||
    error instanceof DBOSErrors.DBOSWorkflowCancelledError ||
    error instanceof RunPausedSignal ||
    error instanceof DBOSErrors.DBOSUnexpectedStepError ||
    DurableReplayMismatchError.isInstance(error)
  );
}
