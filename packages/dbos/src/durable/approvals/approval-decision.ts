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

/**
 * Whether `value` is one of the three decisions, with its fields. The only reading of a stored
 * decision (a `gemloop.approvals` row is data from a database, not trusted), and the check of
 * `approve()`'s argument: anything else is not an approval.
 * @internal
 */
export function isApprovalDecision(value: unknown): value is ApprovalDecision {
  if (typeof value !== 'object' || value === null) return false;
  const decision = value as { type?: unknown; reason?: unknown; args?: unknown };
  switch (decision.type) {
    case 'approve':
      return true;
    case 'reject':
      return typeof decision.reason === 'string';
    case 'edit':
      return (
        typeof decision.args === 'object' && decision.args !== null && !Array.isArray(decision.args)
      );
    default:
      return false;
  }
}

/**
 * The id of one call's approval in a run: its step, its place in the model turn and the model's
 * call id (`3.1:call_abc`). The model's id alone is not enough: a turn may hold two calls with
 * one id, and a later step may reuse an id, and each of those calls waits for its own decision.
 * @internal
 */
export function approvalIdOf(call: {
  stepNumber: number;
  callIndex: number;
  toolCallId: string;
}): string {
  return `${call.stepNumber}.${call.callIndex}:${call.toolCallId}`;
}
