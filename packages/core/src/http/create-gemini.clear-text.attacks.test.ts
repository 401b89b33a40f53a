import { createAgent, createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

// attack15 (the lead's decision on attack14's finding): createGemini took `http://` to any host
// (`10.0.0.1`, `169.254.169.254`, a public name) and sent the key there in clear text in every
// request, while its message said "http for a local server". Now http is taken without a word
// only for loopback (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`, RFC 6761 §6.3); any other
// host is refused with an InvalidArgumentError naming baseUrl and the fix, unless the caller opts
// in with `allowInsecureHttp: true`. Every other place the key goes to a configurable URL (the
// Live WebSocket's ws://, file uploads, the Interactions API, Vertex with a baseUrl, the token
// endpoint) is built from the client's checked baseUrl, so this one check covers them.

function refusal(options: Record<string, unknown>): InvalidArgumentError {
  try {
    createGemini(options as never);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('createGemini accepted it');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createGemini with a plain http base URL', () => {
  it.each([
    ['localhost', 'http://localhost:8080', 'http://localhost:8080'],
    [
      'a name under localhost',
      'http://gemini.localhost:8080/v1beta',
      'http://gemini.localhost:8080',
    ],
    ['LOCALHOST in capitals', 'http://LOCALHOST', 'http://localhost'],
    ['127.0.0.1', 'http://127.0.0.1:9/proxy', 'http://127.0.0.1:9/proxy'],
    ['another 127/8 address', 'http://127.8.9.10', 'http://127.8.9.10'],
    ['127.1 (parsed to 127.0.0.1)', 'http://127.1:80', 'http://127.0.0.1'],
    ['IPv6 loopback', 'http://[::1]:8080', 'http://[::1]:8080'],
  ])('accepts a loopback host: %s', (_label, baseUrl, normalized) => {
    expect(createGemini({ apiKey: 'k', baseUrl }).baseUrl).toBe(normalized);
  });

  it.each([
    ['a private address', 'http://10.0.0.1:8080/gemini'],
    ['the cloud metadata address', 'http://169.254.169.254'],
    ['a public name', 'http://api.cometapi.com'],
    ['a name that only starts like localhost', 'http://localhost.evil.example'],
    ['a name ending in localhost without a dot', 'http://notlocalhost'],
    // `[::ffff:127.0.0.1]` moved to the accepted side by attack16 (routed to the IPv4 loopback:
    // create-gemini.loopback.attacks.test.ts proves it); other mapped addresses stay refused.
    ['an IPv4-mapped private address spelt as IPv6', 'http://[::ffff:10.0.0.1]'],
    ['a private IPv6 address', 'http://[fd00::1]:8080'],
    ['the unspecified address', 'http://0.0.0.0:8080'],
    ['a host name that is 127 then letters', 'http://127.evil.example'],
  ])('refuses %s, naming baseUrl and the fix', (_label, baseUrl) => {
    const error = refusal({ apiKey: 'k-S3CR3T', baseUrl });
    expect(error.argument).toBe('baseUrl');
    expect(error.message).toMatch(/https/);
    expect(error.message).toMatch(/allowInsecureHttp: true/);
    expect(error.message).toMatch(/clear/);
    expect(error.message).toContain(`'http://${new URL(baseUrl).host}'`);
    expect(error.message).not.toContain('S3CR3T');
  });

  it('shows only the scheme and host of what it refuses (the path or query may hold a secret)', () => {
    const error = refusal({
      apiKey: 'k',
      baseUrl: 'http://10.1.2.3:8080/tenant-S3CR3T/?token=S3CR3T',
    });
    expect(error.message).toContain("'http://10.1.2.3:8080'");
    expect(error.message).not.toContain('S3CR3T');
  });

  it('refuses the same from GEMINI_BASE_URL', () => {
    vi.stubEnv('GEMINI_BASE_URL', 'http://169.254.169.254/');
    const error = refusal({ apiKey: 'k' });
    expect(error.argument).toBe('baseUrl');
    expect(error.message).toMatch(/allowInsecureHttp/);
    expect(createGemini({ apiKey: 'k', allowInsecureHttp: true }).baseUrl).toBe(
      'http://169.254.169.254',
    );
  });

  it('refuses the same for Vertex AI with a base URL', () => {
    const vertex = { project: 'p', location: 'us-central1', getAccessToken: () => 't' };
    expect(refusal({ vertex, baseUrl: 'http://10.0.0.1' }).argument).toBe('baseUrl');
    expect(
      createGemini({ vertex, baseUrl: 'http://10.0.0.1', allowInsecureHttp: true }).baseUrl,
    ).toBe('http://10.0.0.1');
  });

  it('accepts any http host with allowInsecureHttp: true, and sends there', async () => {
    const urls: string[] = [];
    const gemini = createGemini({
      apiKey: 'k',
      baseUrl: 'http://10.0.0.1:8080',
      allowInsecureHttp: true,
      retry: false,
      fetch: async (input) => {
        urls.push(String(input));
        return Response.json({
          candidates: [
            { content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' },
          ],
        });
      },
    });
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hello');
    expect(result.text).toBe('hi');
    expect(urls).toEqual(['http://10.0.0.1:8080/v1beta/models/gemini-2.5-flash:generateContent']);
  });

  it('allowInsecureHttp: false is the same as leaving it out', () => {
    expect(
      refusal({ apiKey: 'k', baseUrl: 'http://10.0.0.1', allowInsecureHttp: false }).argument,
    ).toBe('baseUrl');
    expect(
      createGemini({ apiKey: 'k', baseUrl: 'https://10.0.0.1', allowInsecureHttp: false }).baseUrl,
    ).toBe('https://10.0.0.1');
  });

  it.each([['yes'], [1], [null], ['true']])(
    'refuses allowInsecureHttp: %j rather than taking it as on or off',
    (value) => {
      const error = refusal({ apiKey: 'k', baseUrl: 'http://10.0.0.1', allowInsecureHttp: value });
      expect(error.argument).toBe('allowInsecureHttp');
      expect(error.message).toMatch(/true or false/);
    },
  );

  it('says which option was meant for a misspelt one', () => {
    const error = refusal({ apiKey: 'k', baseUrl: 'http://10.0.0.1', allowInsecureHTTP: true });
    expect(error.message).toMatch(/allowInsecureHttp/);
  });

  it("the fake Gemini's own URL (127.0.0.1) still works end to end", async () => {
    const fake = createFakeGemini({ script: [turn.text('from the fake')] });
    try {
      const { url } = await fake.listen();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
      const gemini = createGemini({ apiKey: 'k', baseUrl: url, retry: false });
      const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hello');
      expect(result.text).toBe('from the fake');
    } finally {
      await fake.close();
    }
  });
});
