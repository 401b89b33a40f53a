import { ApprovalNotPendingError } from '../../errors/approval-not-pending-error.ts';
import { quoteId } from '../../errors/quote-id.ts';
import type { ApprovalDecision } from '../approvals/approval-decision.ts';
import { approvalTopic } from '../approvals/approvals.ts';
import { locateApproval, resolveApprovalId } from '../approvals/pending-approvals.ts';
import { recordDecision } from '../approvals/run-pauses.ts';
import { checkCallId, checkDecision, checkOptionKeys, checkRunId } from './check-runs-arguments.ts';
import type { RunAccessOptions } from './durable-run-types.ts';
import { checkAccess, isOver, statusNameOf } from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';

/** Why a call paused by a gemloop from before approval ids is not approved here, and what to do. */
const EARLIER_VERSION = (runId: string, toolCallId: string): string =>
  `The call ${quoteId(toolCallId)} of run ${quoteId(runId)} was paused by a gemloop from before approval ids (2026-11-23), whose run this version cannot replay: a decision would end the run with DurableReplayMismatchError. Nothing was recorded. Cancel the run (runs.cancel), or decide it with a runs client and workers of that version (this version's workers under another applicationVersion).`;

/** Every option of `approve()`, for checkOptionKeys. */
const ACCESS = { owner: true } as const satisfies Record<keyof RunAccessOptions, true>;

/**
 * `runs.approve()`: records the decision on a call waiting for approval (a subagent's too) and
 * puts its stopped run back on the queue. @throws {@link ApprovalNotPendingError} when the call
 * does not wait. @internal
 */
export async function approveRunCall(
  backend: RunsBackend,
  runId: string,
  callId: string,
  decision: ApprovalDecision,
  options: RunAccessOptions,
): Promise<void> {
  checkOptionKeys(options, ACCESS, 'runs.approve()');
  const { owner } = options;
  checkRunId(runId);
  checkCallId(callId);
  checkDecision(decision);
  await checkAccess(backend, runId, 'approve', owner);
  const listed = await resolveApprovalId(backend, runId, callId);
  // A call of a subagent waits in the subagent's own workflow, under its own approval id.
  const { target, approvalId } = await locateApproval(backend, runId, listed);
  const toolCallId = callId;
  const state = await backend.getEvent<{ status: string; approvalId?: unknown }>(
    target,
    approvalTopic(approvalId),
  );
  const refuse = (
    why: 'unknown' | 'decided' | 'timed-out' | 'cancelled' | 'earlier-version',
  ): never => {
    throw new ApprovalNotPendingError({
      message:
        why === 'unknown'
          ? `Run ${quoteId(runId)} has no call ${quoteId(toolCallId)} waiting for approval (pendingApprovals() lists those that do).`
          : why === 'earlier-version'
            ? EARLIER_VERSION(runId, toolCallId)
            : `The call ${quoteId(toolCallId)} of run ${quoteId(runId)} does not wait for approval any more (${why}).`,
      runId,
      toolCallId,
      state: why,
    });
  };
  if (state === null) refuse('unknown');
  if (state?.status !== 'pending') refuse(state?.status === 'timed-out' ? 'timed-out' : 'decided');
  // A gemloop before approval ids (2026-11-23) published the call without one: its run's records
  // (the approval's DBOS events, the tool step's name) are not the ones this version replays, so
  // a decision would resume it into a DurableReplayMismatchError that blames its plugins.
  if (typeof state?.approvalId !== 'string') refuse('earlier-version');
  if (isOver(await statusNameOf(backend, target))) refuse('cancelled');
  const recorded = await recordDecision(backend.pool, target, approvalId, decision, {
    refuseExpired: true,
  });
  // The first decision wins; a second one for the same call changes nothing.
  if (recorded === undefined) refuse('decided');
  if (recorded === 'timed-out') refuse('timed-out');
  // The run stopped to wait: it goes back on the queue, any worker replays it.
  if (typeof recorded === 'object' && recorded.paused) await backend.resume(target);
}
