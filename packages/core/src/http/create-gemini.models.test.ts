import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createTestServer, GOOGLE, TEST_KEY } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const flash = {
  name: 'models/gemini-2.5-flash',
  displayName: 'Gemini 2.5 Flash',
  inputTokenLimit: 1048576,
  outputTokenLimit: 65536,
  supportedGenerationMethods: ['generateContent', 'countTokens'],
  thinking: true,
};

describe('countTokens', () => {
  it('posts contents and returns the count', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${GOOGLE}/models/gemini-2.5-flash:countTokens`, async ({ request }) => {
        bodies.push(await request.json());
        expect(request.headers.get('x-goog-api-key')).toBe(TEST_KEY);
        return HttpResponse.json({
          totalTokens: 7,
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: 7 }],
        });
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const result = await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'How many?' });
    expect(result.totalTokens).toBe(7);
    expect(result.promptTokensDetails).toEqual([{ modality: 'TEXT', tokenCount: 7 }]);
    expect(bodies).toEqual([{ contents: [{ role: 'user', parts: [{ text: 'How many?' }] }] }]);
  });

  it('counts a whole request, with the model path inside generateContentRequest', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${GOOGLE}/models/gemini-2.5-flash:countTokens`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({});
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const result = await gemini.countTokens({
      model: 'models/gemini-2.5-flash',
      generateContentRequest: {
        contents: 'Hi',
        systemInstruction: 'Be brief.',
        tools: [{ googleSearch: {} }],
      },
    });
    // proto3 JSON omits a zero count.
    expect(result.totalTokens).toBe(0);
    expect(bodies).toEqual([
      {
        generateContentRequest: {
          model: 'models/gemini-2.5-flash',
          contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
          systemInstruction: { parts: [{ text: 'Be brief.' }] },
          tools: [{ googleSearch: {} }],
        },
      },
    ]);
  });

  it('rejects a request with both or neither of contents and generateContentRequest', async () => {
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = await gemini
      .countTokens({ model: 'gemini-2.5-flash' } as never)
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'either { model, contents } or { model, generateContentRequest }',
    );
  });

  it('reads totalTokens as a token count: digits as a number, a negative, fractional or huge one refused', async () => {
    let body = '';
    server.use(
      http.post(
        `${GOOGLE}/models/gemini-2.5-flash:countTokens`,
        () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
      ),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const count = () => gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'x' });
    body = '{"totalTokens":"12"}';
    expect((await count()).totalTokens).toBe(12);
    // A gateway's broken count would pass a budget check (`totalTokens > limit`) it should fail.
    for (const total of ['-5', '1.5', '1e400']) {
      body = `{"totalTokens":${total}}`;
      const error = await count().catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error), total).toBe(true);
      expect((error as Error).message).toContain('`totalTokens` is not a token count');
    }
  });
});

describe('listModels', () => {
  it('follows nextPageToken across pages with pageSize', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${GOOGLE}/models`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.search);
        if (url.searchParams.get('pageToken') === 'page-2') {
          return HttpResponse.json({ models: [{ name: 'models/gemini-2.5-pro' }] });
        }
        return HttpResponse.json({ models: [flash], nextPageToken: 'page-2' });
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const first = await gemini.listModels({ pageSize: 1 });
    expect(first.models).toEqual([flash]);
    expect(first.nextPageToken).toBe('page-2');
    const second = await gemini.listModels({ pageSize: 1, pageToken: first.nextPageToken });
    expect(second.models.map((model) => model.name)).toEqual(['models/gemini-2.5-pro']);
    expect(second.nextPageToken).toBeUndefined();
    expect(seen).toEqual(['?pageSize=1', '?pageSize=1&pageToken=page-2']);
  });

  it('reads an empty page as no models', async () => {
    server.use(http.get(`${GOOGLE}/models`, () => HttpResponse.json({})));
    const result = await createGemini({ apiKey: TEST_KEY }).listModels();
    expect(result.models).toEqual([]);
  });

  it('rejects a bad pageSize before sending', async () => {
    const gemini = createGemini({ apiKey: TEST_KEY });
    await expect(gemini.listModels({ pageSize: 0 })).rejects.toThrow(/options\.pageSize/);
  });
});

describe('getModel', () => {
  it('gets a model by short or full name, keeping unknown fields', async () => {
    server.use(
      http.get(`${GOOGLE}/models/gemini-2.5-flash`, () =>
        HttpResponse.json({ ...flash, newField: 1 }),
      ),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const byId = await gemini.getModel('gemini-2.5-flash');
    const byPath = await gemini.getModel('models/gemini-2.5-flash');
    expect(byId).toEqual({ ...flash, newField: 1 });
    // The limits the API reports are typed and kept: what contextWindowOf's overrides take.
    expect([byId.inputTokenLimit, byId.outputTokenLimit]).toEqual([1_048_576, 65_536]);
    expect(byPath).toEqual(byId);
  });

  it('turns an unknown model into a 404 ApiCallError pointing at listModels', async () => {
    server.use(
      http.get(`${GOOGLE}/models/gemini-9`, () =>
        HttpResponse.json(
          {
            error: {
              code: 404,
              message: 'Model is not found: models/gemini-9',
              status: 'NOT_FOUND',
            },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await createGemini({ apiKey: TEST_KEY })
      .getModel('gemini-9')
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).method).toBe('getModel');
    expect((error as Error).message).toContain('gemini.listModels()');
  });
});

describe('model names that would change the URL', () => {
  // `..` and `.` pass a character check but URL parsing resolves them: getModel('..') requested
  // GET /v1beta/ and getModel('tunedModels/..') the same. Every method that puts the model name
  // into the path must refuse them before sending anything.
  const names = [
    '..',
    '.',
    '...',
    'models/..',
    'models/.',
    'tunedModels/..',
    'tunedModels/.',
    'models/',
    'tunedModels/',
    'models//gemini',
    '',
    '%2e%2e',
    'models/%2E',
    'gemini/../../x',
    'gemini 2.5',
    'gemini?alt=json',
    'gemini#x',
  ];
  const methods = [
    [
      'generateContent',
      'request.model',
      (model: string) =>
        createGemini({ apiKey: TEST_KEY }).generateContent({ model, contents: 'x' }),
    ],
    [
      'streamGenerateContent',
      'request.model',
      async (model: string) => {
        for await (const _ of createGemini({ apiKey: TEST_KEY }).streamGenerateContent({
          model,
          contents: 'x',
        })) {
          // not reached
        }
      },
    ],
    [
      'countTokens',
      'request.model',
      (model: string) => createGemini({ apiKey: TEST_KEY }).countTokens({ model, contents: 'x' }),
    ],
    ['getModel', 'model', (model: string) => createGemini({ apiKey: TEST_KEY }).getModel(model)],
  ] as const;

  for (const [method, argument, call] of methods) {
    it(`${method} refuses each with an InvalidArgumentError naming ${argument}, sending nothing`, async () => {
      let requests = 0;
      server.use(
        http.all('*', () => {
          requests++;
          return HttpResponse.json({});
        }),
      );
      for (const name of names) {
        let error: unknown;
        try {
          await call(name);
        } catch (caught) {
          error = caught;
        }
        expect(InvalidArgumentError.isInstance(error), name).toBe(true);
        expect((error as InvalidArgumentError).argument).toBe(argument);
      }
      expect(requests).toBe(0);
    });
  }

  it('still takes dotted and dashed ids', async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${GOOGLE}/*`, ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json(flash);
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    await gemini.getModel('gemini-2.5-flash');
    await gemini.getModel('models/gemini-1.5.pro_x');
    await gemini.getModel('tunedModels/my-model.v2');
    expect(paths).toEqual([
      '/v1beta/models/gemini-2.5-flash',
      '/v1beta/models/gemini-1.5.pro_x',
      '/v1beta/tunedModels/my-model.v2',
    ]);
  });
});
