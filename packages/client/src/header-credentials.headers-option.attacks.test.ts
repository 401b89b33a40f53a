import { describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { ClientError } from './client-error.ts';

// attack61f: `headers` as a page that knows fetch writes them. fetch takes a `Headers` and
// `[name, value]` pairs as well as a record; agentEvents and the answers spread them into a
// record, so a `Headers` sent no header at all (the page's auth gone without a word, a 401 later),
// pairs went as headers `0`, `1` (the token under a name the credential redaction does not
// know), and a function (the AI SDK's `useChat` takes one) or a string went as nothing or as one
// header per character.

const TOKEN = 'Bearer page-token-1234567890';

/** The headers of the first request, then the run is refused (a 401), as a server would. */
async function sentHeaders(
  call: (fetch: typeof globalThis.fetch) => Promise<unknown>,
): Promise<Record<string, string> | unknown> {
  let seen: HeadersInit | undefined;
  const fetch = (async (_url: unknown, init: RequestInit) => {
    seen = init.headers;
    return new Response('no', { status: 401 });
  }) as typeof globalThis.fetch;
  try {
    await call(fetch);
  } catch (error) {
    if (!ClientError.isInstance(error) || error.code !== 'http-status') return error;
  }
  return Object.fromEntries(new Headers(seen));
}

const run = (headers: unknown) => (fetch: typeof globalThis.fetch) =>
  (async () => {
    for await (const _ of agentEvents('http://127.0.0.1/chat', {
      headers: headers as never,
      fetch,
    })) {
      // Nothing comes: the run is refused.
    }
  })();
const answer = (headers: unknown) => (fetch: typeof globalThis.fetch) =>
  answerApproval(
    'http://127.0.0.1/approvals',
    { approvalId: 'ap1', decision: 'approve' },
    { headers: headers as never, fetch },
  );

describe('the headers option, as fetch takes it', () => {
  for (const [label, headers] of [
    ['a Headers', new Headers({ authorization: TOKEN })],
    ['[name, value] pairs', [['authorization', TOKEN]]],
    ['a record', { authorization: TOKEN }],
  ] as const) {
    it(`sends the page's header given as ${label}, with the run and with an answer`, async () => {
      for (const call of [run(headers), answer(headers)]) {
        const sent = (await sentHeaders(call)) as Record<string, string>;
        expect(sent['authorization']).toBe(TOKEN);
        expect(Object.keys(sent)).not.toContain('0');
      }
    });
  }

  for (const [label, headers] of [
    ['a function', () => ({ authorization: TOKEN })],
    ['a string', `authorization: ${TOKEN}`],
    ['a number', 5],
    ['pairs of three', [['authorization', TOKEN, 'x']]],
  ] as const) {
    it(`refuses ${label} before any request, naming the option, never its value`, async () => {
      for (const call of [run(headers), answer(headers)]) {
        const error = await sentHeaders(call);
        expect(ClientError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ code: 'invalid-option', option: 'headers' });
        expect((error as Error).message).toMatch(/headers must be/);
        expect((error as Error).message).not.toContain('page-token');
      }
    });
  }
});
