import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { VertexAuthError } from '../errors/vertex-auth-error.ts';
import { createGemini } from './create-gemini.ts';

// A credential with a control character (attack31): the checks refused CR, LF, NUL and anything
// past U+00FF, but U+0001..U+001F and DEL went through, and undici refused them on every request
// (its `headerCharRegex`, /[^\t\x20-\x7e\x80-\xff]/, lib/core/util.js) with "could not reach
// <host> ... Not retried: check the baseUrl", blaming the wrong option. A Vertex token function's
// answer is as hostile: it may hand back a header line smuggled after its token.

const KEY = 'AIzaSyAttack31ControlKeyXXXXXXXXXXXXXXX';
const CONTROLS: [string, string][] = [
  ['U+0001', '\u0001'],
  ['U+001F', '\u001f'],
  ['U+007F', '\u007f'],
  ['U+000B', '\u000b'],
];

/** A fetch that counts the requests it is handed (none should be). */
function counting() {
  const seen: string[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    seen.push(String(input instanceof Request ? input.url : input));
    return Response.json({ totalTokens: 1 });
  };
  return { seen, fetch };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('a control character in a credential or a header', () => {
  for (const [name, control] of CONTROLS) {
    const value = `${KEY.slice(0, 6)}${control}${KEY.slice(7)}`;

    it(`apiKey with ${name}: refused by createGemini, naming where, not the key`, () => {
      const error = thrown(() => createGemini({ apiKey: value, baseUrl: 'https://gw.test' }));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('apiKey');
      expect((error as Error).message).toContain(`${name} at position 7`);
      expect((error as Error).message).not.toContain(KEY.slice(7));
    });

    it(`a headers value with ${name}: refused by createGemini, naming the header`, () => {
      const error = thrown(() =>
        createGemini({ apiKey: KEY, baseUrl: 'https://gw.test', headers: { 'x-tenant': value } }),
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('headers.x-tenant');
      expect((error as Error).message).toContain(`${name} at position 7`);
      expect((error as Error).message).not.toContain(KEY.slice(7));
    });

    it(`a Vertex token with ${name}: VertexAuthError before any request, the token not shown`, async () => {
      const { seen, fetch } = counting();
      const gemini = createGemini({
        vertex: { project: 'p', location: 'us-central1', getAccessToken: async () => value },
        baseUrl: 'https://vertex.test',
        retry: false,
        fetch,
      });
      const error = await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(VertexAuthError.isInstance(error)).toBe(true);
      expect((error as VertexAuthError).reason).toBe('token-function');
      expect((error as Error).message).toContain(`${name} at position 7`);
      expect((error as Error).message).not.toContain(KEY.slice(7));
      expect(seen).toEqual([]);
    });
  }

  it('a Vertex token smuggling a header line after it is refused the same way', async () => {
    const { seen, fetch } = counting();
    const gemini = createGemini({
      vertex: {
        project: 'p',
        location: 'us-central1',
        getAccessToken: async () => ({ token: `${KEY}\u000bX-Injected: 1`, expiresAt: 0 }),
      },
      baseUrl: 'https://vertex.test',
      retry: false,
      fetch,
    });
    const error = await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(VertexAuthError.isInstance(error)).toBe(true);
    expect(seen).toEqual([]);
  });

  it('a tab inside a header value is still sent (HTTP allows it)', async () => {
    const sent: (string | null)[] = [];
    const gemini = createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      headers: { 'x-tenant': 'a\tb' },
      fetch: async (_input, init) => {
        sent.push(new Headers(init?.headers).get('x-tenant'));
        return Response.json({ totalTokens: 1 });
      },
    });
    await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(sent).toEqual(['a\tb']);
  });
});
