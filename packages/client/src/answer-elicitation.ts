import { type PostAnswerOptions, postAnswer } from './post-answer.ts';

/**
 * The user's answer to what an MCP server asks (`elicitation-pending` of the `mcp-requests`
 * plugin event): the pending request's `id`, and `accept` with the form's values (a URL request:
 * that the user opened the page), `decline` or `cancel`.
 */
export type ElicitationAnswer = {
  id: string;
  action: 'accept' | 'decline' | 'cancel';
  content?: { [field: string]: string | number | boolean | readonly string[] } | undefined;
};

/** Options of {@link answerElicitation}. */
export type AnswerElicitationOptions = PostAnswerOptions;

/**
 * Posts the answer to an MCP server's question (a `plugin` event of `mcp-requests`, kind
 * `elicitation-pending`) to the server's elicitation route (the broker's `handleAnswer` of
 * `@gemloop/tools`). Resolves `true` when it was answered, `false` when nothing waits under that
 * id any more (answered elsewhere, timed out, its call ended).
 * @throws {@link ClientError} (`http-status`) for any other answer of the server: a `400` names
 *   the field that does not fit the form; `connection-lost` when the request failed before any
 *   answer (the fetch's error as `cause`); `redirect`, `idle-timeout`, `invalid-option`.
 */
export function answerElicitation(
  url: string | URL,
  answer: ElicitationAnswer,
  options: AnswerElicitationOptions = {},
): Promise<boolean> {
  return postAnswer(url, answer, options, 'elicitation answer', problemOf);
}

/** The broker's `{ error }` (the field that does not fit), else the body's excerpt as it is. */
function problemOf(excerpt: string): string {
  try {
    const { error } = JSON.parse(excerpt) as { error?: unknown };
    if (typeof error === 'string') return error;
  } catch {
    // Not the broker's JSON (a proxy's page): quoted as it came.
  }
  return excerpt;
}
