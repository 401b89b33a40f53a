import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../__fixtures__/gemini-fixtures.ts';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';

// The router in front of every endpoint: how it reads keys, paths, methods and bodies, whatever
// the caller sends. The texts and shapes come from the recordings in test/fixtures/gemini/errors
// and the wire reference (/work/shared/reference/gemini-wire.md, "Errors").

type Answer = { status: number; contentType: string | null; text: string; json: unknown };

async function send(
  fake: FakeGemini,
  path: string,
  { method = 'GET', body, headers = { 'x-goog-api-key': 'k' } }: SendOptions = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  const response = await fake.fetch(`https://generativelanguage.googleapis.com${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json };
}
type SendOptions = { method?: string; body?: string; headers?: Record<string, string> };

const errorOf = (answer: Answer) => (answer.json as { error: Record<string, unknown> }).error;
const question = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
const generate = '/v1beta/models/gemini-2.5-flash:generateContent';

describe('handleFakeRequest: keys', () => {
  // Every resource family authenticates on its own branch of the router: one row each.
  const routes: [string, string, string, string | undefined][] = [
    ['models.list', 'GET', '/v1beta/models', undefined],
    ['generateContent', 'POST', generate, question],
    ['embedContent', 'POST', '/v1beta/models/gemini-embedding-001:embedContent', '{}'],
    ['cachedContents', 'GET', '/v1beta/cachedContents', undefined],
    ['files', 'GET', '/v1beta/files', undefined],
    ['files upload', 'POST', '/upload/v1beta/files', '{}'],
    ['batches', 'GET', '/v1beta/batches', undefined],
    ['fileSearchStores', 'GET', '/v1beta/fileSearchStores', undefined],
    [
      'fileSearchStores upload',
      'POST',
      '/upload/v1beta/fileSearchStores/s:uploadToFileSearchStore',
      '{}',
    ],
    ['interactions', 'POST', '/v1beta/interactions', '{}'],
  ];

  it.each(routes)(
    'asks %s for a key: none is a 403 PERMISSION_DENIED, recorded',
    async (_, method, path, body) => {
      const fake = createFakeGemini();
      const answer = await send(fake, path, { method, headers: {}, ...(body ? { body } : {}) });
      expect(answer.status).toBe(403);
      expect(errorOf(answer)).toEqual({
        code: 403,
        status: 'PERMISSION_DENIED',
        message: expect.stringContaining("Method doesn't allow unregistered callers"),
      });
      expect(fake.lastRequest?.status).toBe(403);
    },
  );

  it.each(routes)(
    'refuses a key it was not given on %s with the recorded API_KEY_INVALID body',
    async (_, method, path, body) => {
      const fake = createFakeGemini({ apiKeys: ['right'] });
      const answer = await send(fake, path, {
        method,
        headers: { 'x-goog-api-key': 'wrong' },
        ...(body ? { body } : {}),
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(
        readFixtureJson('errors/400-INVALID_ARGUMENT-API_KEY_INVALID.DOCS-EXAMPLE.json'),
      );
    },
  );

  it('takes no key from a Basic authorization, an empty Bearer or an empty ?key=', async () => {
    const fake = createFakeGemini();
    for (const headers of [{ authorization: 'Basic azpr' }, { authorization: 'Bearer   ' }, {}]) {
      const answer = await send(fake, '/v1beta/models?key=', { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    // And records what it got without the credential.
    expect(fake.requests[0]?.headers['authorization']).toBe('[redacted]');
  });
});

describe('handleFakeRequest: bodies that are not JSON', () => {
  it('answers 400 INVALID_ARGUMENT in each model endpoint’s framing, recording no body', async () => {
    const fake = createFakeGemini();
    const unary = await send(fake, generate, { method: 'POST', body: '{"contents": [' });
    expect(unary.status).toBe(400);
    expect(unary.contentType).toBe('application/json; charset=UTF-8');
    expect(errorOf(unary)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(errorOf(unary)['message']).toMatch(/^Invalid JSON payload received/);
    expect(fake.lastRequest?.body).toBeUndefined();

    // Before a stream starts the API answers a plain JSON error, not `data:`-framed, under the
    // stream's content type (fixture 404-NOT_FOUND-on-streamGenerateContent-alt-sse-with-DebugInfo).
    const sse = await send(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      method: 'POST',
      body: 'not json',
    });
    expect(sse.status).toBe(400);
    expect(sse.contentType).toBe('text/event-stream');
    expect(sse.text.trimStart().startsWith('{')).toBe(true);
    expect(errorOf(sse)['status']).toBe('INVALID_ARGUMENT');

    // Without alt=sse the stream endpoint answers a JSON array, errors too (fixture
    // 503-UNAVAILABLE-overloaded.no-alt-sse-array).
    const array = await send(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', {
      method: 'POST',
      body: 'not json',
    });
    expect(array.status).toBe(400);
    expect(Array.isArray(array.json)).toBe(true);
    expect((array.json as { error: { status: string } }[])[0]?.error.status).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    ['cachedContents create', '/v1beta/cachedContents'],
    ['fileSearchStores create', '/v1beta/fileSearchStores'],
    ['batchGenerateContent', '/v1beta/models/gemini-2.5-flash:batchGenerateContent'],
    ['embedContent', '/v1beta/models/gemini-embedding-001:embedContent'],
    ['countTokens', '/v1beta/models/gemini-2.5-flash:countTokens'],
  ])('refuses a broken body on %s with the same 400 and keeps serving', async (_, path) => {
    const fake = createFakeGemini();
    const broken = await send(fake, path, { method: 'POST', body: '{"a":' });
    expect(broken.status).toBe(400);
    expect(errorOf(broken)['message']).toMatch(/^Invalid JSON payload received/);
    expect((await send(fake, generate, { method: 'POST', body: question })).status).toBe(200);
  });

  it('answers a body of a JSON type that is no request object with the proto parser’s words', async () => {
    const fake = createFakeGemini();
    for (const body of ['[]', 'null', '"hi"', '42']) {
      const answer = await send(fake, generate, { method: 'POST', body });
      expect(answer.status, body).toBe(400);
      expect(errorOf(answer)['message']).toBe(
        `Invalid value at '' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentRequest), ${body}`,
      );
    }
  });

  it('survives a body nested 20,000 levels deep and answers the next request', async () => {
    // JSON.parse takes it; a recursive walk over it would throw RangeError (stack overflow) and
    // leave the client with no answer at all.
    const fake = createFakeGemini();
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const body = `{"contents":[{"role":"user","parts":[{"text":"go"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":${deep}}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":${deep}}}]}],"tools":[{"functionDeclarations":[{"name":"f","parametersJsonSchema":${deep}}]}]}`;
    const answer = await send(fake, generate, { method: 'POST', body });
    expect([200, 400]).toContain(answer.status);
    expect(answer.json).toBeTypeOf('object');
    expect((await send(fake, generate, { method: 'POST', body: question })).status).toBe(200);
  });
});

describe('handleFakeRequest: paths and methods', () => {
  it.each([
    ['GET on a model method', 'GET', generate],
    ['PUT on a model method', 'PUT', generate],
    ['DELETE on a model', 'DELETE', '/v1beta/models/gemini-2.5-flash'],
    ['an unknown model method', 'POST', '/v1beta/models/gemini-2.5-flash:fooBar'],
    [
      'predict on the Gemini API (a Vertex method)',
      'POST',
      '/v1beta/models/gemini-embedding-001:predict',
    ],
  ])('answers %s with a 404 that names the method and path', async (_, method, path) => {
    const fake = createFakeGemini();
    const answer = await send(fake, path, {
      method,
      ...(method === 'GET' ? {} : { body: question }),
    });
    expect(answer.status).toBe(404);
    expect(errorOf(answer)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect(errorOf(answer)['message']).toContain(`${method} ${path}`);
  });

  it('404s a path outside the API, with the key of its query redacted in the message', async () => {
    const fake = createFakeGemini();
    const answer = await send(fake, '/v1beta/tunedModels/x?key=sk-secret&pageSize=2', {
      headers: {},
    });
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('sk-secret');
    expect(errorOf(answer)['message']).toContain('?key=[redacted]&pageSize=2');
    expect(JSON.stringify(fake.requests)).not.toContain('sk-secret');
  });

  it('reads a percent-encoded colon as the method separator', async () => {
    // What a client that encodes the whole path segment sends; Google's front end decodes it.
    const fake = createFakeGemini();
    const answer = await send(fake, '/v1beta/models/gemini-2.5-flash%3AgenerateContent', {
      method: 'POST',
      body: question,
    });
    expect(answer.status).toBe(200);
    expect(fake.lastRequest).toMatchObject({
      method: 'generateContent',
      model: 'gemini-2.5-flash',
    });
  });

  it('keeps a malformed percent escape as it came: an unknown model, not a thrown URIError', async () => {
    const fake = createFakeGemini();
    const answer = await send(fake, '/v1beta/models/gemini%E0%A4%A:generateContent', {
      method: 'POST',
      body: question,
    });
    expect(answer.status).toBe(404);
    expect(errorOf(answer)['message']).toMatch(/^models\/gemini%E0%A4%A is not found/);
  });

  it('takes the version from the path, and a prefix before it (a gateway’s base path)', async () => {
    const fake = createFakeGemini();
    const v1 = await send(fake, '/gemini/v1/models/gemini-2.5-flash:generateContent', {
      method: 'POST',
      body: question,
    });
    expect(v1.status).toBe(200);
    expect(fake.lastRequest).toMatchObject({ apiVersion: 'v1', method: 'generateContent' });
    const unknown = await send(fake, '/v1/models/gemini-9-nothing:generateContent', {
      method: 'POST',
      body: question,
    });
    // The recorded 404 names the version it was asked on (fixture 404-NOT_FOUND-unknown-model).
    expect(errorOf(unknown)['message']).toMatch(
      /^models\/gemini-9-nothing is not found for API version v1, or is not supported for generateContent\./,
    );
  });

  it('answers an unknown model in the stream endpoint’s framing', async () => {
    const fake = createFakeGemini();
    const sse = await send(fake, '/v1beta/models/gemini-9-nothing:streamGenerateContent?alt=sse', {
      method: 'POST',
      body: question,
    });
    expect(sse.status).toBe(404);
    expect(sse.contentType).toBe('text/event-stream');
    expect(errorOf(sse)['message']).toContain('not supported for generateContent');
    const array = await send(fake, '/v1beta/models/gemini-9-nothing:streamGenerateContent', {
      method: 'POST',
      body: question,
    });
    expect(Array.isArray(array.json)).toBe(true);
  });
});

describe('handleFakeRequest: models and embedding models', () => {
  it('serves generation to generation models and embeddings to embedding models only', async () => {
    const fake = createFakeGemini();
    const embedOnFlash = await send(fake, '/v1beta/models/gemini-2.5-flash:embedContent', {
      method: 'POST',
      body: '{"content":{"parts":[{"text":"x"}]}}',
    });
    expect(embedOnFlash.status).toBe(404);
    expect(errorOf(embedOnFlash)['message']).toContain('is not supported for embedContent');
    const generateOnEmbedding = await send(
      fake,
      '/v1beta/models/gemini-embedding-001:generateContent',
      { method: 'POST', body: question },
    );
    expect(generateOnEmbedding.status).toBe(404);
    expect(errorOf(generateOnEmbedding)['message']).toContain(
      'is not supported for generateContent',
    );
    // models.get still describes it, with the methods it does serve.
    const described = await send(fake, '/v1beta/models/gemini-embedding-001');
    expect(described.json).toMatchObject({
      name: 'models/gemini-embedding-001',
      supportedGenerationMethods: ['embedContent', 'batchEmbedContents', 'asyncBatchEmbedContent'],
    });
  });

  it('pages a custom model list to its end, with no nextPageToken on the last page', async () => {
    const fake = createFakeGemini({ models: ['gemini-a-flash', 'gemini-b-flash', 'gemini-c-pro'] });
    const first = (await send(fake, '/v1beta/models?pageSize=2')).json as {
      models: { name: string }[];
      nextPageToken?: string;
    };
    expect(first.models.map((model) => model.name)).toEqual([
      'models/gemini-a-flash',
      'models/gemini-b-flash',
    ]);
    const last = (await send(fake, `/v1beta/models?pageSize=2&pageToken=${first.nextPageToken}`))
      .json as { models: { name: string }[]; nextPageToken?: string };
    expect(last.models.map((model) => model.name)).toEqual(['models/gemini-c-pro']);
    expect(last).not.toHaveProperty('nextPageToken');
    // Only the listed models exist.
    const other = await send(fake, generate, { method: 'POST', body: question });
    expect(other.status).toBe(404);
  });

  it('counts an image as IMAGE tokens beside the text', async () => {
    const fake = createFakeGemini();
    const answer = await send(fake, '/v1beta/models/gemini-2.5-flash:countTokens', {
      method: 'POST',
      body: JSON.stringify({
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'x'.repeat(40) },
              { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
          },
        ],
      }),
    });
    const counted = answer.json as {
      totalTokens: number;
      promptTokensDetails: { modality: string; tokenCount: number }[];
    };
    expect(counted.promptTokensDetails.map((detail) => detail.modality)).toEqual(['TEXT', 'IMAGE']);
    const image = counted.promptTokensDetails[1]?.tokenCount ?? 0;
    expect(image).toBeGreaterThan(0);
    expect(counted.totalTokens).toBe((counted.promptTokensDetails[0]?.tokenCount ?? 0) + image);
  });
});

describe('handleFakeRequest: Vertex AI routes', () => {
  const vertex = '/v1/projects/p1/locations/us-central1/publishers/google/models';

  it('wants an OAuth Bearer token: an API key is a 401 UNAUTHENTICATED', async () => {
    const fake = createFakeGemini({ accessTokens: ['ya29.good'] });
    const withKey = await send(fake, `${vertex}/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: question,
    });
    expect(withKey.status).toBe(401);
    expect(errorOf(withKey)).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    const wrongToken = await send(fake, `${vertex}/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: question,
      headers: { authorization: 'Bearer ya29.other' },
    });
    expect(wrongToken.status).toBe(401);
    const good = await send(fake, `${vertex}/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: question,
      headers: { authorization: 'Bearer ya29.good' },
    });
    expect(good.status).toBe(200);
    expect(fake.lastRequest?.headers['authorization']).toBe('Bearer [redacted]');
  });

  it('names the publisher model path of the project and location in its 404', async () => {
    const fake = createFakeGemini();
    const answer = await send(fake, `${vertex}/gemini-9-nothing:generateContent`, {
      method: 'POST',
      body: question,
      headers: { authorization: 'Bearer t' },
    });
    expect(answer.status).toBe(404);
    expect(errorOf(answer)['message']).toBe(
      'Publisher Model `projects/p1/locations/us-central1/publishers/google/models/gemini-9-nothing` was not found or your project does not have access to it.',
    );
  });

  it('404s a Vertex path that is no publisher model route instead of reading it as the Gemini API', async () => {
    const fake = createFakeGemini();
    const answer = await send(fake, '/v1/projects/p1/locations/us-central1/endpoints/e1:predict', {
      method: 'POST',
      body: '{}',
      headers: { authorization: 'Bearer t' },
    });
    expect(answer.status).toBe(404);
    expect(errorOf(answer)['message']).toContain('[gemloop fake] No route for POST');
  });
});
