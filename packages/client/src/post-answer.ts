import { countOption } from './agent-events-options.ts';
import { checkOptionKeys } from './check-option-keys.ts';
import { ClientError } from './client-error.ts';
import { connectWithin } from './connect-within.ts';
import { fetchUnfollowed } from './fetch-unfollowed.ts';
import { credentialsOf, type HeadersOption, readHeadersOption } from './header-credentials.ts';
import { readExcerpt } from './read-excerpt.ts';

/** Options of a page's answer to the server (an approval, an MCP server's question). */
export type PostAnswerOptions = {
  /** Headers of the request (an auth header, say): a record, a `Headers` or pairs, as fetch takes them. */
  headers?: HeadersOption | undefined;
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch | undefined;
  /**
   * Milliseconds to wait for the server's answer (its response headers) before the answer fails
   * with `ClientError` `idle-timeout` and its connection is closed, as `streamAgent`'s
   * `idleTimeoutMs` bounds the run's requests. Off by default (`Infinity`: the wait is the
   * page's, until its `signal`). An integer of at least 1, or `Infinity`.
   */
  idleTimeoutMs?: number | undefined;
};

// Every option of an answer, for checkOptionKeys: a misspelt `header` sent the answer without
// the page's credentials.
const POST_ANSWER_OPTIONS = {
  headers: 1,
  signal: 1,
  fetch: 1,
  idleTimeoutMs: 1,
} as const satisfies Record<keyof PostAnswerOptions, 1>;

/**
 * Posts a page's answer as JSON to a broker's answer route (`handleAnswer`). Resolves `true` when
 * it was taken, `false` on a `404` (nothing waits under that id any more).
 * @param what - what was answered, for the error (`approval`, `elicitation answer`).
 * @param problemOf - what of the error body the message quotes.
 * @throws {@link ClientError} (`http-status`) for any other answer of the server, `redirect` for
 *   a redirect (never followed: the headers would go with it), `idle-timeout` when no answer came
 *   within `idleTimeoutMs`, `connection-lost` when the request failed before any answer (the
 *   fetch's own error as `cause`), `invalid-option` for an option it cannot use (before any
 *   request). The page's `signal` rejects with its reason instead.
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
  const idleTimeoutMs = countOption(options.idleTimeoutMs, Infinity, 'idleTimeoutMs', 1);
  const headers = readHeadersOption(options.headers);
  // Bounded as the run's requests are: a server that took the POST and never answered held the
  // answer, and one of the browser's six connections to its host, until the page's Stop.
  const wait = connectWithin(options.signal, idleTimeoutMs);
  let response: Response;
  try {
    response = await wait.answer(
      fetchUnfollowed(options.fetch ?? globalThis.fetch, url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(answer),
        ...(wait.signal === undefined ? {} : { signal: wait.signal }),
      }),
    );
  } catch (error) {
    // The page's Stop rejects with its reason, as everywhere in this package; a redirect and
    // the idle bound are this package's own errors already.
    options.signal?.throwIfAborted();
    if (ClientError.isInstance(error)) throw error;
    // The fetch's own rejection (a `TypeError: Failed to fetch`: offline, DNS, a refused
    // connection, CORS) wrapped as the run's requests wrap theirs (`connection-lost`), so a page
    // switches on one error type; the original stays as `cause`.
    throw new ClientError({
      code: 'connection-lost',
      message: `The ${what} could not be sent: the request failed before the server answered (the network, or the server is not reachable).`,
      cause: error,
    });
  } finally {
    // The body is cancelled below or read by readExcerpt (bounded by its own second).
    wait.release();
  }
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
    message: `The ${what} was not accepted (${response.status}): ${problemOf(await readExcerpt(response, credentialsOf(headers)))}`,
  });
}
