import type { BrowserApprovalAnswer } from '@gemloop/core/web';
import { type PostAnswerOptions, postAnswer } from './post-answer.ts';

/** Options of {@link answerApproval}. */
export type AnswerApprovalOptions = PostAnswerOptions;

/**
 * Posts the answer to an `approval-pending` event to the server's approvals route (the
 * broker's `handleAnswer`). Resolves `true` when the call was answered, `false` when nothing
 * waits under that id any more (answered elsewhere, timed out, run ended).
 * @throws {@link ClientError} (`http-status`) for any other answer of the server;
 *   `connection-lost` when the request failed before any answer (the fetch's error as `cause`);
 *   `redirect`, `idle-timeout`, `invalid-option`.
 */
export function answerApproval(
  url: string | URL,
  answer: BrowserApprovalAnswer,
  options: AnswerApprovalOptions = {},
): Promise<boolean> {
  return postAnswer(url, answer, options, 'approval');
}
