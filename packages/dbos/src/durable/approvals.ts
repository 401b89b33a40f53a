import { DBOS } from '@dbos-inc/dbos-sdk';
import type {
  BeforeToolCallContext,
  BeforeToolCallDecision,
  BeforeToolCallHook,
} from '@gemloop/core';
import { toJsonSafe } from './to-json-safe.ts';

/**
 * What a person decides about a call that waits for approval: run it, refuse it (the model gets
 * the reason as the call's error response), or run it with other arguments (checked against the
 * tool's schema again; the model's own call stays in the history as it was). The same three
 * choices as `beforeToolCall` in-process.
 */
export type ApprovalDecision =
  | { type: 'approve' }
  | { type: 'reject'; reason: string }
  | { type: 'edit'; args: Record<string, unknown> };

/** A call that waits for {@link ApprovalDecision}, as `pendingApprovals()` lists it. */
export type PendingApproval = {
  toolCallId: string;
  toolName: string;
  /** The model's arguments, as sent. */
  args: Record<string, unknown>;
  stepNumber: number;
};

/** Which calls need approval: tool names, or a predicate over the call. */
export type NeedsApproval =
  | readonly string[]
  | ((call: { toolName: string; args: unknown; rawArgs: Record<string, unknown> }) => boolean);

/** @defaultValue of how long a run waits for an approval: 7 days. */
export const DEFAULT_APPROVAL_TIMEOUT_MS: number = 7 * 24 * 60 * 60 * 1000;

/** DBOS message topic (and event key) of one call's approval. @internal */
export const approvalTopic = (toolCallId: string): string => `gemloop.approval:${toolCallId}`;
/** DBOS event key of the list of pending approvals. @internal */
export const PENDING_APPROVALS_KEY = 'gemloop.approvals';

/**
 * The `beforeToolCall` of a durable agent: the definition's own hook first (its deny or modify
 * wins), then, for a call that needs approval, a durable wait: the call is published as pending
 * (`DBOS.setEvent`), the run's events are flushed (so a watcher sees the call), and the workflow
 * waits on `DBOS.recv` for the decision (a checkpointed wait with a deadline: a worker that dies
 * is replaced by one that waits for the same message, and a decision sent while no worker runs
 * the run is kept until one receives it).
 * @internal
 */
export function createApprovalHook({
  needsApproval,
  userHook,
  timeoutMs,
  flush,
}: {
  needsApproval: NeedsApproval | undefined;
  userHook: BeforeToolCallHook | undefined;
  timeoutMs: number;
  flush: () => Promise<void>;
}): BeforeToolCallHook | undefined {
  if (needsApproval === undefined) return userHook;
  const needs =
    typeof needsApproval === 'function'
      ? needsApproval
      : (call: { toolName: string }): boolean => needsApproval.includes(call.toolName);
  // Pending calls per run, re-published whole on each change (one event key lists them).
  const pendingByRun = new Map<string, PendingApproval[]>();
  return async (context: BeforeToolCallContext): Promise<BeforeToolCallDecision> => {
    const own = await userHook?.(context);
    if (own !== undefined && own !== null && typeof own === 'object' && own.type !== 'approve')
      return own;
    if (!needs(context)) return own;
    const runId = DBOS.workflowID;
    if (runId === undefined) return own;
    const pending: PendingApproval = toJsonSafe({
      toolCallId: context.toolCallId,
      toolName: context.toolName,
      args: context.rawArgs,
      stepNumber: context.stepNumber,
    });
    const list = pendingByRun.get(runId) ?? [];
    list.push(pending);
    pendingByRun.set(runId, list);
    // Published before the events go out: a watcher that sees this call's tool-call event finds
    // it in pendingApprovals() already.
    await DBOS.setEvent(approvalTopic(context.toolCallId), { status: 'pending', ...pending });
    await DBOS.setEvent(PENDING_APPROVALS_KEY, list);
    await DBOS.runStep(flush, { name: 'gemloop.approval-request' });
    const decision = await DBOS.recv<ApprovalDecision>(approvalTopic(context.toolCallId), {
      timeoutSeconds: timeoutMs / 1000,
    });
    list.splice(list.indexOf(pending), 1);
    if (list.length === 0) pendingByRun.delete(runId);
    await DBOS.setEvent(approvalTopic(context.toolCallId), {
      status: decision?.type ?? 'timed-out',
      ...pending,
    });
    await DBOS.setEvent(PENDING_APPROVALS_KEY, list);
    if (decision === null) {
      return {
        type: 'deny',
        message: `No approval arrived within ${Math.round(timeoutMs / 1000)} s; the call was not run.`,
      };
    }
    if (decision.type === 'reject') return { type: 'deny', message: decision.reason };
    if (decision.type === 'edit') return { type: 'modify', args: decision.args };
    return { type: 'approve' };
  };
}
