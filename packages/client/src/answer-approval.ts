import type { BrowserApprovalAnswer } from '@gemloop/core/web';
import { ClientError } from './client-error.ts';
import { readExcerpt } from './read-excerpt.ts';

/** Options of {@link answerApproval}. */
export type AnswerApprovalOptions = {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch | undefined;
};

/**
 * Posts the answer to an `approval-pending` event to the server's approvals route (the
 * broker's `handleAnswer`). Resolves `true` when the call was answered, `false` when nothing
 * waits under that id any more (answered elsewhere, timed out, run ended).
 * @throws {@link ClientError} (`http-status`) for any other answer of the server.
 */
export async function answerApproval(
  url: string | URL,
  answer: BrowserApprovalAnswer,
  options: AnswerApprovalOptions = {},
): Promise<boolean> {
  const response = await (options.fetch ?? globalThis.fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(answer),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (response.status === 404) return false;
  if (!response.ok) {
    throw new ClientError({
      code: 'http-status',
      status: response.status,
      message: `The approval was not accepted (${response.status}): ${await readExcerpt(response)}`,
    });
  }
  return true;
}
