import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';
import { MemoryError } from './memory-error.ts';

// attack17: the Memory Bank store sent its OAuth access token (`Authorization: Bearer ya29...`)
// with every call to whatever `baseUrl` said, plain http to any host included, and took any
// string as one (a relative path, `ftp://`). Now the rule createGemini keeps for its key.

const TOKEN = 'ya29.attack17-secret';

function storeAt(baseUrl: unknown, more: { allowInsecureHttp?: unknown } = {}) {
  const sent: { url: string; authorization: string | null }[] = [];
  const store = createVertexMemoryBankStore({
    project: 'p1',
    location: 'us-central1',
    reasoningEngine: '77',
    getAccessToken: () => TOKEN,
    baseUrl: baseUrl as string,
    ...(more as { allowInsecureHttp?: boolean }),
    fetch: async (input, init) => {
      sent.push({
        url: String(input),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      return Response.json({ retrievedMemories: [] });
    },
  });
  return { store, sent };
}

function thrownBy(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('createVertexMemoryBankStore and its baseUrl', () => {
  it.each([
    ['plain http to a public name', 'http://vertex-proxy.example.com'],
    ['plain http to a private address', 'http://10.0.0.9:8080'],
  ])('refuses %s, naming the fix', (_label, baseUrl) => {
    const error = thrownBy(() => storeAt(baseUrl));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'baseUrl' });
    expect((error as Error).message).toContain('allowInsecureHttp: true');
  });

  it.each([
    ['a relative path', '/v1beta1'],
    ['another scheme', 'ftp://vertex.example.com'],
    ['a token pasted by mistake', 'ya29.pasted token'],
    ['a number', 42],
  ])('refuses %s, without echoing it', (_label, baseUrl) => {
    const error = thrownBy(() => storeAt(baseUrl));
    expect(error).toMatchObject({ argument: 'baseUrl' });
    expect((error as Error).message).not.toContain('ya29');
  });

  it('refuses an allowInsecureHttp that is not a boolean', () => {
    expect(thrownBy(() => storeAt('http://10.0.0.9', { allowInsecureHttp: 1 }))).toMatchObject({
      argument: 'allowInsecureHttp',
    });
  });

  it('sends the token to loopback, and to any host with allowInsecureHttp: true', async () => {
    for (const [baseUrl, more] of [
      ['http://127.0.0.1:9', {}],
      ['http://10.0.0.9:8080', { allowInsecureHttp: true }],
      ['https://europe-west4-aiplatform.googleapis.com', {}],
    ] as const) {
      const { store, sent } = storeAt(baseUrl, more);
      await store.list('ana');
      expect(sent[0]?.url.startsWith(`${baseUrl}/v1beta1/`)).toBe(true);
      expect(sent[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });
});

// A token fetch's Headers refuses made it throw a TypeError that quotes the header value, the
// access token with it, into the error the memory plugin logs and reports.
describe('createVertexMemoryBankStore and a token no header can carry', () => {
  it.each([
    ['a line break inside', `${TOKEN}\nsecond-line`],
    ['a character past Latin-1', `${TOKEN}\u2028`.concat('x')],
    ['not a string', 42],
  ])(
    'fails with MemoryError for %s, without the token, and sends nothing',
    async (_label, token) => {
      const sent: string[] = [];
      const store = createVertexMemoryBankStore({
        project: 'p1',
        location: 'us-central1',
        reasoningEngine: '77',
        getAccessToken: () => token as string,
        fetch: async (input) => {
          sent.push(String(input));
          return Response.json({});
        },
      });
      const error = await store.list('ana').catch((thrown: unknown) => thrown);
      expect(MemoryError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain('attack17-secret');
      expect(sent).toEqual([]);
    },
  );
});
