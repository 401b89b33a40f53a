import { checkOptionKeys } from './check-option-keys.ts';
import { ClientError } from './client-error.ts';
import { fetchUnfollowed } from './fetch-unfollowed.ts';
import { readExcerpt } from './read-excerpt.ts';

/** Options of a page's answer to the server (an approval, an MCP server's question). */
export type PostAnswerOptions = {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch | undefined;
};

// Every option of an answer, for checkOptionKeys: a misspelt `header` sent the answer without
// the page's credentials.
const POST_ANSWER_OPTIONS = { headers: 1, signal: 1, fetch: 1 } as const satisfies Record<
  keyof PostAnswerOptions,
  1
>;

/**
 * Posts a page's answer as JSON to a broker's answer route (`handleAnswer`). Resolves `true` when
 * it was taken, `false` on a `404` (nothing waits under that id any more).
 * @param what - what was answered, for the error (`approval`, `elicitation answer`).
 * @param problemOf - what of the error body the message quotes.
 * @throws {@link ClientError} (`http-status`) for any other answer of the server, `redirect` for
 *   a redirect (never followed: the headers would go with it).
 * @internal
 */
export async function postAnswer(
  url: string | URL,
  answer: unknown,
  options: PostAnswerOptions,
  what: string,
  problemOf: (excerpt: string) => string = (excerpt) => excerpt,
): Promise<boolean> {
  checkOptionKeys(options, POST_ANSWER_OPTIONS, `the ${what}'s options`);
  const response = await fetchUnfollowed(options.fetch ?? globalThis.fetch, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(answer),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (response.status === 404 || response.ok) {
    // Nothing in an answer's body is read: left unread, a body the server never ends held the
    // connection (one of the browser's six to that host) as long as the server liked
    // (leftovers55). Cancelling ends it at once, whatever the server sends.
    response.body?.cancel().catch(() => {});
    return response.ok;
  }
  throw new ClientError({
    code: 'http-status',
    status: response.status,
    message: `The ${what} was not accepted (${response.status}): ${problemOf(await readExcerpt(response))}`,
  });
}
