import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState, ReaskReason } from '../../run/agent-result.ts';
import type { FinishReason } from '../../wire/response.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * The model kept giving answers the loop cannot use (a malformed function call, a call to a tool
 * that is not available, an empty answer) after `maxReasks` corrective re-asks. The bad answers
 * are not in the history; each is on its step (`run.steps[i].reask`).
 */
export class InvalidModelResponseError extends AgentRunError {
  override readonly code = 'invalid-model-response';
  readonly reason: ReaskReason;
  /** The wire finishReason of the last bad answer. */
  readonly finishReason: FinishReason | undefined;
  readonly finishMessage: string | undefined;
  /** How many bad answers in a row, the last included. */
  readonly attempts: number;

  constructor({
    reason,
    finishReason,
    finishMessage,
    attempts,
    run,
  }: {
    reason: ReaskReason;
    finishReason: FinishReason | undefined;
    finishMessage: string | undefined;
    attempts: number;
    run: AgentRunState;
  }) {
    super({
      message:
        `The model gave ${attempts} unusable answer(s) in a row (${reason}` +
        `${finishMessage === undefined ? '' : `: ${finishMessage}`}). ` +
        'Raise maxReasks, simplify the tool schemas, or check the tool declarations.',
      run,
    });
    this.reason = reason;
    this.finishReason = finishReason;
    this.finishMessage = finishMessage;
    this.attempts = attempts;
  }

  static override isInstance(error: unknown): error is InvalidModelResponseError {
    return GemloopError.hasCode(error, 'invalid-model-response');
  }
}
