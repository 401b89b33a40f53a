import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { currentOwnerXid } from '@dbos-inc/dbos-sdk/internal/context';
import type {
  BeforeToolCallContext,
  BeforeToolCallDecision,
  BeforeToolCallHook,
} from '@gemloop/core/agent';
import type pg from 'pg';
import { quoteId } from '../../errors/quote-id.ts';
import { durableSetEvent } from '../steps/durable-operations.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';
import { toJsonSafe } from '../steps/to-json-safe.ts';
import { approvalIdOf, isApprovalDecision } from './approval-decision.ts';
import { cancelledBeforeStop, lookupApproval, markCancelled, markPaused } from './run-pauses.ts';

/** A call that waits for an `ApprovalDecision`, as `pendingApprovals()` lists it. */
export type PendingApproval = {
  /**
   * What `approve()` takes to answer this call: its step, its place in the turn and its id
   * (`<stepNumber>.<callIndex>:<toolCallId>`). Unique in the run, unlike `toolCallId`.
   */
  approvalId: string;
  /** The model's call id (two calls of a turn may share one). */
  toolCallId: string;
  toolName: string;
  /** The model's arguments, as sent. */
  args: Record<string, unknown>;
  stepNumber: number;
  /** The call's 0-based place among the function calls of its model turn. */
  callIndex: number;
  /**
   * The model's safety decision, when its safety system asked for a person's confirmation
   * (computer use's `safety_decision: require_confirmation`): show the explanation to the approver.
   */
  safetyDecision?: { decision: string; explanation: string | undefined } | undefined;
  /**
   * The subagent that made the call (`['research#1']`), when a subagent inside the run did;
   * absent for the run's own calls.
   */
  path?: readonly string[] | undefined;
  /**
   * The workflow of the subagent's run that waits (`<runId>/<step>.<index>:<callId>`), when a
   * subagent made the call: `approve(runId, approvalId)` of the top run reaches it.
   */
  childRunId?: string | undefined;
  /**
   * `true` for a call a gemloop from before approval ids (2026-11-23, `4de448d9`) paused: its
   * `approvalId` is its `toolCallId` and its `callIndex` its place in that version's list. This
   * version cannot replay such a run, so `approve()` refuses it (`ApprovalNotPendingError`,
   * state `earlier-version`): cancel the run, or decide it on workers of that version.
   */
  earlierVersion?: true | undefined;
};

/** Which calls need approval: tool names, or a predicate over the call. */
export type NeedsApproval =
  | readonly string[]
  | ((call: { toolName: string; args: unknown; rawArgs: Record<string, unknown> }) => boolean);

/** @defaultValue of how long a run waits for an approval: 7 days. */
export const DEFAULT_APPROVAL_TIMEOUT_MS: number = 7 * 24 * 60 * 60 * 1000;

/** DBOS event key of one call's approval, by its approval id. @internal */
export const approvalTopic = (approvalId: string): string => `gemloop.approval:${approvalId}`;
/** DBOS event key of the list of pending approvals. @internal */
export const PENDING_APPROVALS_KEY = 'gemloop.approvals';

/** How a run pauses and resumes: the pauses table's pool and the DBOS client calls. @internal */
export type RunPauser = {
  pool: pg.Pool;
  /**
   * Stops the run's workflow (frees its queue slot); not a checkpoint of the run. Only while
   * `ownerXid` (the calling execution's DBOS token, `currentOwnerXid`) owns the run, else
   * `DBOSWorkflowConflictError`: a stale execution's stop would cancel the taker's run.
   */
  stop(runId: string, ownerXid: string | undefined): Promise<void>;
  /** Re-enqueues a stopped run; not a checkpoint of the run. */
  resume(runId: string): Promise<void>;
};

/**
 * What one execution of a run keeps of its approvals: the calls it published as pending (one
 * event key lists them all, re-published whole on each change) and whether it paused. Per
 * execution, not per run: a run resumed twice has a second execution in the worker while the
 * first, no longer the owner, reaches its next step (worker-run-events.ts).
 * @internal
 */
export type ApprovalState = { pending: PendingApproval[]; paused: boolean };

/** An execution's approval state before its first call that needs approval. @internal */
export function createApprovalState(): ApprovalState {
  return { pending: [], paused: false };
}

/**
 * Thrown from the approval hook when the run paused: the run's workflow is stopped and this
 * execution ends without writing anything more (the run workflow sees its state's `paused`).
 * @internal
 */
export class RunPausedSignal extends Error {
  readonly runId: string;
  constructor(runId: string) {
    super(`Run ${quoteId(runId)} paused for approval.`);
    this.runId = runId;
    this.name = 'RunPausedSignal';
  }
}

/**
 * The `beforeToolCall` of a durable agent: the definition's own hook first (its deny or modify
 * wins), then, for a call that needs approval, a durable pause: the call is published as pending
 * (`DBOS.setEvent`), the run's events are flushed (so a watcher sees the call), and, when no
 * decision is there yet, the run's workflow is stopped (cancelled, which frees its queue slot and
 * its worker's memory; the row in `gemloop.approvals` says it is paused, not cancelled) and this
 * execution ends. `approve()` records the decision and re-enqueues the run (`resumeWorkflow`);
 * a worker replays it from its recorded steps, finds the decision here and records it in a step.
 *
 * None of the pause's own operations is a DBOS checkpoint of the run, so the replay's steps line
 * up with the first execution's: the replay records the decision where the first execution
 * stopped.
 * @internal
 */
export function createApprovalHook({
  needsApproval,
  userHook,
  timeoutMs,
  flush,
  pauser,
  stateOf,
}: {
  needsApproval: NeedsApproval | undefined;
  userHook: BeforeToolCallHook | undefined;
  timeoutMs: number;
  flush: () => Promise<void>;
  pauser: RunPauser;
  /**
   * The approval state of the execution whose code calls the hook (worker-run-events.ts), if it
   * has one: the hook is made once per agent and shared by every execution of every run.
   */
  stateOf: () => ApprovalState | undefined;
}): { hook: BeforeToolCallHook | undefined } {
  if (needsApproval === undefined) return { hook: userHook };
  const needs =
    typeof needsApproval === 'function'
      ? needsApproval
      : (call: { toolName: string }): boolean => needsApproval.includes(call.toolName);
  const hook = async (context: BeforeToolCallContext): Promise<BeforeToolCallDecision> => {
    const own = await userHook?.(context);
    if (own !== undefined && own !== null && typeof own === 'object' && own.type !== 'approve')
      return own;
    // A call the model's safety system wants a person to confirm (computer use) waits for an
    // approval like the listed ones: core runs it only on an explicit approve.
    const confirm = context.safetyDecision?.decision.toLowerCase() === 'require_confirmation';
    // So does a call a tool guardrail asked a person about (`ask`, `context.askedBy`).
    const asked = context.askedBy !== undefined;
    if (!needs(context) && !confirm && !asked) return own;
    const runId = DBOS.workflowID;
    if (runId === undefined) return own;
    // Keyed by the call's place as well as its id: a decision answers this call only, not a
    // second call of the turn with the same id, nor a later call that reuses the id.
    const approvalId = approvalIdOf(context);
    const pending: PendingApproval = toJsonSafe({
      approvalId,
      toolCallId: context.toolCallId,
      toolName: context.toolName,
      args: context.rawArgs,
      stepNumber: context.stepNumber,
      callIndex: context.callIndex,
      ...(confirm && { safetyDecision: context.safetyDecision }),
      ...(context.path.length > 0 && { path: [...context.path] }),
    });
    // Outside an execution of this worker (none is known to call it): this call's own state.
    const execution = stateOf() ?? createApprovalState();
    const list = execution.pending;
    list.push(pending);
    // Published before the events go out: a watcher that sees this call's tool-call event finds
    // it in pendingApprovals() already.
    await durableSetEvent(approvalTopic(approvalId), { status: 'pending', ...pending });
    await durableSetEvent(PENDING_APPROVALS_KEY, list);
    await runDurableStep(flush, {
      name: `gemloop.approval-request@${context.stepNumber}.${context.callIndex}`,
    });
    const found = await lookupApproval(pauser.pool, runId, approvalId, timeoutMs);
    if (found.type === 'none' && found.cancelled) {
      // Cancelled with DBOS's own cancel while it ran up to here: stopping it would hide that
      // (the two cancels look alike) and leave it waiting for a decision that resumes it.
      await markCancelled(pauser.pool, runId);
      throw new DBOSErrors.DBOSWorkflowCancelledError(runId);
    }
    if (found.type === 'none') {
      // Stop first, then say "paused": an approver that sees "paused" resumes a stopped run,
      // never one still running here.
      await stopOrCancelled(pauser, runId);
      const state = await markPaused(pauser.pool, runId, approvalId);
      // A decision (or the deadline) came while it stopped: nobody else resumes it.
      if (state === 'resume') await pauser.resume(runId);
      execution.paused = true;
      throw new RunPausedSignal(runId);
    }
    // Recorded as read (the row is data from a database): a replay reads what this execution did.
    const recorded = await runDurableStep(
      async (): Promise<unknown> => (found.type === 'decided' ? found.decision : null),
      { name: `gemloop.approval-decision@${context.stepNumber}.${context.callIndex}` },
    );
    // Fail closed: only one of the three decisions runs the call. Anything else in the row (a
    // decision type this version does not know, a reject without a reason) denies it, as a
    // missing decision does at the deadline: a call that may move money is not run on a guess.
    const decision = recorded === null || isApprovalDecision(recorded) ? recorded : 'unreadable';
    list.splice(list.indexOf(pending), 1);
    await durableSetEvent(approvalTopic(approvalId), {
      status:
        decision === null ? 'timed-out' : decision === 'unreadable' ? 'unreadable' : decision.type,
      ...pending,
    });
    await durableSetEvent(PENDING_APPROVALS_KEY, list);
    if (decision === null) {
      return {
        type: 'deny',
        message: `No approval arrived within ${Math.round(timeoutMs / 1000)} s; the call was not run.`,
      };
    }
    if (decision === 'unreadable') {
      DBOS.logger.warn(
        `gemloop approvals: the decision stored for call ${approvalId} of run ${runId} is not approve, reject or edit; the call was denied.`,
      );
      return {
        type: 'deny',
        message:
          'The approval recorded for this call could not be read, so the call was not run. Ask the user how to go on.',
      };
    }
    if (decision.type === 'reject') return { type: 'deny', message: decision.reason };
    if (decision.type === 'edit') return { type: 'modify', args: decision.args };
    return { type: 'approve' };
  };
  return { hook };
}

/**
 * Stops the run to pause it. DBOS's own cancel that lands between the lookup and this stop
 * clears the run's owner, so the stop is refused (`DBOSWorkflowConflictError`): the run then ends
 * as cancelled, its approval row no longer waiting, as a cancel seen by the lookup ends it
 * (leftovers43). A conflict from a takeover is thrown as it is. The parent of a paused child
 * stops the same way (child-waits.ts).
 * @internal
 */
export async function stopOrCancelled(pauser: RunPauser, runId: string): Promise<void> {
  try {
    await pauser.stop(runId, currentOwnerXid(runId));
  } catch (error) {
    if (
      !(error instanceof DBOSErrors.DBOSWorkflowConflictError) ||
      !(await cancelledBeforeStop(pauser.pool, runId))
    )
      throw error;
    await markCancelled(pauser.pool, runId);
    throw new DBOSErrors.DBOSWorkflowCancelledError(runId);
  }
}
