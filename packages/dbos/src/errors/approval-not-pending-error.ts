import { GemloopError } from '@gemloop/core';

/** Options of {@link ApprovalNotPendingError}. */
export type ApprovalNotPendingErrorOptions = {
  message: string;
  runId: string;
  toolCallId: string;
  /**
   * `decided` (approve, reject or edit already came), `timed-out`, `unknown` (no such call waits),
   * `cancelled`, or `earlier-version` (a gemloop from before approval ids paused it: see
   * `PendingApproval.earlierVersion`).
   */
  state: string;
};

/** `approve()` named a call that does not wait for approval (any more). Nothing was sent. */
export class ApprovalNotPendingError extends GemloopError {
  override readonly code: string = 'approval-not-pending';
  readonly runId: string;
  readonly toolCallId: string;
  readonly state: string;

  constructor({ message, runId, toolCallId, state }: ApprovalNotPendingErrorOptions) {
    super({ message });
    this.runId = runId;
    this.toolCallId = toolCallId;
    this.state = state;
  }

  /** Whether `error` is an {@link ApprovalNotPendingError}, from any copy of the package. */
  static override isInstance(error: unknown): error is ApprovalNotPendingError {
    return GemloopError.hasCode(error, 'approval-not-pending');
  }
}
