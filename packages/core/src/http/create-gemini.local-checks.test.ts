import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordingLogger, thrownBy } from '../chat/__fixtures__/chat-fixtures.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createTestServer, TEST_KEY, textResponse } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// The mistakes a first hour makes with the client's options, caught before any request (issue 28):
// a key pasted with its `Bearer ` header prefix, and `baseUrl: process.env.X` with X unset.

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

/** Records each request's URL and headers, answering a short text. */
function capture(): { url: string; headers: Headers }[] {
  const calls: { url: string; headers: Headers }[] = [];
  server.use(
    http.all('*', ({ request }) => {
      calls.push({ url: request.url, headers: request.headers });
      return HttpResponse.json(textResponse('ok') as Record<string, never>);
    }),
  );
  return calls;
}

const SECRET = 'AIzaPASTED-secret-0123456789';

describe('a key pasted with its Bearer prefix', () => {
  it.each([
    ['Bearer', `Bearer ${SECRET}`, {}],
    ['lower case, with auth bearer', `bearer ${SECRET}`, { auth: 'bearer' as const }],
    ['upper case after leading spaces and a tab', `  BEARER\t${SECRET}`, {}],
  ])('%s is refused before any request, naming the fix, never the key', (_name, apiKey, extra) => {
    const calls = capture();
    const thrown = thrownBy(() => createGemini({ apiKey, ...extra }));
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('apiKey');
    expect((thrown as Error).message).toContain("starts with 'Bearer '");
    expect((thrown as Error).message).toContain('pass the key alone');
    expect((thrown as Error).message).toContain("auth: 'bearer'");
    expect(JSON.stringify(thrown)).not.toContain(SECRET);
    expect(String((thrown as Error).stack)).not.toContain(SECRET);
    expect(calls).toEqual([]);
  });

  it('is refused from GEMINI_API_KEY too', () => {
    vi.stubEnv('GEMINI_API_KEY', `Bearer ${SECRET}`);
    const thrown = thrownBy(() => createGemini());
    expect((thrown as InvalidArgumentError).argument).toBe('apiKey');
    expect((thrown as Error).message).toContain('pass the key alone');
    expect(JSON.stringify(thrown)).not.toContain(SECRET);
  });

  it.each([
    // CometAPI's keys start with sk-: a key is never judged by any other prefix.
    ['a CometAPI key (sk-)', 'sk-0123456789abcdefABCDEF', 'bearer' as const],
    ['a key that starts with the word but no space', 'Bearerless-key-0123', 'bearer' as const],
    ['a Google key', TEST_KEY, 'x-goog-api-key' as const],
  ])('%s is sent as it is', async (_name, apiKey, auth) => {
    const calls = capture();
    const gemini = createGemini({ apiKey, auth, baseUrl: 'https://api.cometapi.com' });
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls).toHaveLength(1);
    expect(
      auth === 'bearer'
        ? calls[0]?.headers.get('authorization')
        : calls[0]?.headers.get('x-goog-api-key'),
    ).toBe(auth === 'bearer' ? `Bearer ${apiKey}` : apiKey);
  });
});

describe('a key wrapped in quotes (docker --env-file and compose keep them)', () => {
  it.each([
    ['double quotes', `"${SECRET}"`],
    ['single quotes', `'${SECRET}'`],
    ['backticks', `\`${SECRET}\``],
  ])(
    '%s from GEMINI_API_KEY are refused before any request, naming the variable, never the key',
    (_name, value) => {
      const calls = capture();
      vi.stubEnv('GEMINI_API_KEY', value);
      const thrown = thrownBy(() => createGemini());
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect((thrown as InvalidArgumentError).argument).toBe('GEMINI_API_KEY');
      expect((thrown as Error).message).toContain('GEMINI_API_KEY is wrapped in quotes');
      expect((thrown as Error).message).toContain('docker --env-file');
      expect(JSON.stringify(thrown)).not.toContain(SECRET);
      expect(String((thrown as Error).stack)).not.toContain(SECRET);
      expect(calls).toEqual([]);
    },
  );

  it('names GOOGLE_API_KEY when the key came from there, and apiKey when it was given', () => {
    vi.stubEnv('GEMINI_API_KEY', undefined);
    vi.stubEnv('GOOGLE_API_KEY', `"${SECRET}"`);
    expect((thrownBy(() => createGemini()) as InvalidArgumentError).argument).toBe(
      'GOOGLE_API_KEY',
    );
    const given = thrownBy(() => createGemini({ apiKey: `"${SECRET}"` }));
    expect((given as InvalidArgumentError).argument).toBe('apiKey');
    expect((given as Error).message).toContain('apiKey is wrapped in quotes');
  });

  it.each([
    ['a quote at one end only', `"${SECRET}`],
    ['a quote inside', `ab"cd'ef`],
    ['different quotes at the ends', `"${SECRET}'`],
  ])('%s is sent as it is (keys have no fixed shape)', async (_name, apiKey) => {
    const calls = capture();
    await createGemini({ apiKey }).generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[0]?.headers.get('x-goog-api-key')).toBe(apiKey);
  });
});

describe('baseUrl passed as undefined', () => {
  it("warns through the client's logger that requests go to Google, and why that may be", async () => {
    vi.stubEnv('GEMINI_BASE_URL', undefined);
    const calls = capture();
    const logger = recordingLogger();
    const gemini = createGemini({ apiKey: TEST_KEY, baseUrl: undefined, logger });
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(
      'baseUrl was passed as undefined, so requests go to https://generativelanguage.googleapis.com',
    );
    expect(warnings[0]?.message).toContain("Google's Gemini API, the default");
    expect(warnings[0]?.message).toContain('environment variable');
    expect(warnings[0]?.fields).toMatchObject({
      baseUrl: 'https://generativelanguage.googleapis.com',
    });
    expect(JSON.stringify(logger.lines)).not.toContain(TEST_KEY);
    // A warning, not a refusal: the call goes where the message said.
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[0]?.url).toMatch(/^https:\/\/generativelanguage\.googleapis\.com\/v1beta\//);
  });

  it('names GEMINI_BASE_URL when that is where the URL came from', () => {
    vi.stubEnv('GEMINI_BASE_URL', 'http://127.0.0.1:9/gateway');
    const logger = recordingLogger();
    createGemini({ apiKey: TEST_KEY, baseUrl: undefined, logger });
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('requests go to http://127.0.0.1:9/gateway');
    expect(warnings[0]?.message).toContain('(GEMINI_BASE_URL)');
  });

  it("names Vertex AI's endpoint for the location with vertex", () => {
    const logger = recordingLogger();
    createGemini({
      vertex: { project: 'my-project', location: 'europe-west4', getAccessToken: () => 'token' },
      baseUrl: undefined,
      logger,
    });
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(
      "requests go to https://europe-west4-aiplatform.googleapis.com (Vertex AI's endpoint for europe-west4)",
    );
  });

  it('says nothing when baseUrl is left out or given', () => {
    vi.stubEnv('GEMINI_BASE_URL', undefined);
    const logger = recordingLogger();
    createGemini({ apiKey: TEST_KEY, logger });
    createGemini({ apiKey: TEST_KEY, baseUrl: 'https://api.cometapi.com', logger });
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });
});
