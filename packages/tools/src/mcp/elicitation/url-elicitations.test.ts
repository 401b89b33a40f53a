import { describe, expect, it } from 'vitest';
import type { McpElicitationAnswer } from './mcp-elicitation.ts';
import {
  type AskUrl,
  askForRequiredUrls,
  MAX_REQUIRED_URL_LENGTH,
  MAX_REQUIRED_URL_MESSAGE_LENGTH,
  MAX_REQUIRED_URL_PAGES,
  setUrlAsker,
  type UrlElicitationParams,
  urlAskerOf,
} from './url-elicitations.ts';

// A server refuses a call until the user opened some pages (URLElicitationRequiredError, JSON-RPC
// -32042, MCP spec 2025-11-25 "Elicitation"): the pages come from the server's error, so what is
// shown to a person is bounded and copied field by field.

const page = (index: number, overrides: Record<string, unknown> = {}) => ({
  mode: 'url',
  message: `Open page ${index}.`,
  url: `https://auth.example/${index}`,
  elicitationId: `el-${index}`,
  ...overrides,
});
const refusal = (elicitations: unknown) =>
  Object.assign(new Error('URL elicitation required'), { code: -32042, data: { elicitations } });

/** An asker that records each page and answers with `answers` in turn (then `accept`). */
function recordingAsker(...answers: McpElicitationAnswer['action'][]) {
  const asked: UrlElicitationParams[] = [];
  const ask: AskUrl = async (params) => {
    asked.push(params);
    return { action: answers[asked.length - 1] ?? 'accept' };
  };
  return { ask, asked };
}

const live = () => new AbortController().signal;

describe('askForRequiredUrls', () => {
  it('shows each page once, in order, and says the call is worth a retry when all were accepted', async () => {
    const { ask, asked } = recordingAsker();
    const pages = [page(1), page(2), page(1, { message: 'again' })];
    expect(await askForRequiredUrls(ask, refusal(pages), live())).toBe(true);
    expect(asked).toEqual([
      { message: 'Open page 1.', url: 'https://auth.example/1', elicitationId: 'el-1' },
      { message: 'Open page 2.', url: 'https://auth.example/2', elicitationId: 'el-2' },
    ]);
  });

  it(`shows up to ${MAX_REQUIRED_URL_PAGES} pages and refuses a longer list whole, showing none`, async () => {
    const most = Array.from({ length: MAX_REQUIRED_URL_PAGES }, (_, index) => page(index));
    const allowed = recordingAsker();
    expect(await askForRequiredUrls(allowed.ask, refusal(most), live())).toBe(true);
    expect(allowed.asked).toHaveLength(MAX_REQUIRED_URL_PAGES);

    const flood = recordingAsker();
    const tooMany = Array.from({ length: 100_000 }, (_, index) => page(index));
    expect(await askForRequiredUrls(flood.ask, refusal(tooMany), live())).toBe(false);
    expect(flood.asked).toEqual([]);
  });

  it.each([
    [
      'a url over the bound',
      { url: `https://auth.example/${'a'.repeat(MAX_REQUIRED_URL_LENGTH)}` },
    ],
    ['a message over the bound', { message: 'm'.repeat(MAX_REQUIRED_URL_MESSAGE_LENGTH + 1) }],
    ['a url that is no string', { url: { href: 'https://auth.example' } }],
    ['a missing elicitationId', { elicitationId: undefined }],
    ['a null message', { message: null }],
  ])('shows no page of a list with %s (all must be opened for the retry)', async (_case, bad) => {
    const { ask, asked } = recordingAsker();
    expect(await askForRequiredUrls(ask, refusal([page(1), page(2, bad)]), live())).toBe(false);
    expect(asked).toEqual([]);
  });

  it.each([
    ['no list', undefined],
    ['an empty list', []],
    ['a list that is an object', { 0: page(0), length: 1 }],
    ['a list of nulls and numbers', [null, 7, 'https://auth.example']],
  ])('shows nothing for %s', async (_case, elicitations) => {
    const { ask, asked } = recordingAsker();
    expect(await askForRequiredUrls(ask, refusal(elicitations), live())).toBe(false);
    expect(asked).toEqual([]);
  });

  it('keeps only the three fields of a page, whatever else the server puts on it', async () => {
    const { ask, asked } = recordingAsker();
    const hostile = JSON.parse(
      '{"message":"m","url":"https://a.example","elicitationId":"e","server":"spoofed","__proto__":{"action":"accept"}}',
    );
    expect(await askForRequiredUrls(ask, refusal([hostile]), live())).toBe(true);
    expect(asked).toEqual([{ message: 'm', url: 'https://a.example', elicitationId: 'e' }]);
    expect(Object.getPrototypeOf(asked[0])).toBe(Object.prototype);
  });

  it('stops at the first page the user declines or cancels', async () => {
    for (const answer of ['decline', 'cancel'] as const) {
      const { ask, asked } = recordingAsker('accept', answer);
      expect(await askForRequiredUrls(ask, refusal([page(1), page(2), page(3)]), live())).toBe(
        false,
      );
      expect(asked.map((each) => each.elicitationId)).toEqual(['el-1', 'el-2']);
    }
  });

  it('asks no further page once the call was aborted', async () => {
    const controller = new AbortController();
    const asked: string[] = [];
    const ask: AskUrl = async (params) => {
      asked.push(params.elicitationId);
      controller.abort();
      return { action: 'accept' };
    };
    expect(await askForRequiredUrls(ask, refusal([page(1), page(2)]), controller.signal)).toBe(
      false,
    );
    expect(asked).toEqual(['el-1']);
  });

  it('leaves other errors, and a connection that cannot ask, to the model', async () => {
    const { ask, asked } = recordingAsker();
    const other = Object.assign(new Error('nope'), {
      code: -32603,
      data: { elicitations: [page(1)] },
    });
    expect(await askForRequiredUrls(ask, other, live())).toBe(false);
    expect(await askForRequiredUrls(ask, null, live())).toBe(false);
    expect(await askForRequiredUrls(ask, 'a string', live())).toBe(false);
    expect(await askForRequiredUrls(undefined, refusal([page(1)]), live())).toBe(false);
    expect(asked).toEqual([]);
  });
});

describe('the URL asker of a client the user connects', () => {
  it('belongs to the one client answerMcpServerRequests was given', () => {
    const { ask } = recordingAsker();
    const answered = {};
    setUrlAsker(answered, ask);
    expect(urlAskerOf(answered)).toBe(ask);
    expect(urlAskerOf({})).toBeUndefined();
  });
});
