import { countOption } from './agent-events-options.ts';
import { checkOptionKeys } from './check-option-keys.ts';
import { checkUrlOption } from './check-url-option.ts';
import { ClientError } from './client-error.ts';
import { connectWithin } from './connect-within.ts';
import { fetchUnfollowed } from './fetch-unfollowed.ts';
import { credentialsOf, type HeadersOption, readHeadersOption } from './header-credentials.ts';
import { readExcerpt } from './read-excerpt.ts';
import { toJsonBody } from './to-json-body.ts';

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
 * it was taken (a 2xx), `false` on a `404` (nothing waits under that id any more). A 2xx that is
 * an HTML page, or JSON saying it failed (`{ "error": ... }`, `{ "ok": false }`), is no broker's
 * answer: `http-status`.
 * @param what - what was answered, for the error (`approval`, `elicitation answer`).
 * @param problemOf - what of the error body the message quotes.
 * @throws {@link ClientError} (`http-status`) for any other answer of the server (a 2xx that is
 *   no broker's answer included), `redirect` for
 *   a redirect (never followed: the headers would go with it), `idle-timeout` when no answer came
 *   within `idleTimeoutMs`, `connection-lost` when the request failed before any answer (the
 *   fetch's own error as `cause`), `invalid-option` for an option it cannot use or an answer JSON
 *   cannot write (before any request). The page's `signal` rejects with its reason instead.
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
  checkUrlOption(url, 'url');
  const body = toJsonBody(answer, 'answer');
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
        body,
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
  const credentials = credentialsOf(headers);
  const refused = response.ok ? await notTaken(response, credentials) : undefined;
  if (refused !== undefined) {
    throw new ClientError({
      code: 'http-status',
      status: response.status,
      message: `The ${what} was not taken: the server answered ${response.status} with ${refused}, not a broker's 204 (a sign-in page or a proxy's answer, most likely: is the page still signed in, and is the URL the broker's handleAnswer?).`,
    });
  }
  if (response.status === 404 || response.ok) {
    // Nothing else of an answer's body is read: left unread, a body the server never ends held
    // the connection (one of the browser's six to that host) as long as the server liked
    // (leftovers55). Cancelling ends it at once, whatever the server sends.
    response.body?.cancel().catch(() => {});
    return response.ok;
  }
  throw new ClientError({
    code: 'http-status',
    status: response.status,
    message: `The ${what} was not accepted (${response.status}): ${problemOf(await readExcerpt(response, credentials))}`,
  });
}

/** A JSON answer that says it failed: `{ "error": <anything but null> }` or `{ "ok": false }`. */
const JSON_FAILURE = /^\s*\{\s*"(?:error"\s*:\s*(?!null\b)|ok"\s*:\s*false\b)/;

/**
 * What makes a 2xx no broker's answer, or `undefined` when it is one. The brokers answer `204`
 * (core's approvals, `@gemloop/tools`' elicitations); any 2xx was read as taken (client68): an SSO
 * proxy's sign-in page (200 `text/html`, the session ran out) or an app's route answering
 * `200 {"error": ...}` made `approve` resolve `true` with no broker holding the answer, and
 * useAgentChat kept the buttons disabled for good. An HTML page is refused by its type, unread; a
 * JSON body is read as an error body is (300 characters within 1 s, the page's credentials
 * redacted). Any other 2xx is taken, as before.
 */
async function notTaken(
  response: Response,
  credentials: readonly string[],
): Promise<string | undefined> {
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('text/html') || type.startsWith('application/xhtml+xml')) {
    response.body?.cancel().catch(() => {});
    return 'an HTML page';
  }
  if (!/^application\/(?:[\w.+-]*\+)?json\b/.test(type)) return undefined;
  const excerpt = await readExcerpt(response, credentials);
  return JSON_FAILURE.test(excerpt) ? `an error: ${excerpt}` : undefined;
}
