import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from './create-gemini.ts';

// Vertex AI's resource routes, URL by URL and body by body: context caches live under the project
// and location (not under publishers/google/ like the model routes), name the full publisher model,
// and come back with names of that form; countTokens takes no generateContentRequest.
// cloud.google.com/vertex-ai/generative-ai/docs/context-cache/context-cache-create and
// .../context-cache-use; js-genai `_transformers.ts` tCachedContentName / tCachesModel.

const PROJECT = 'my-project-123';
const HOST = 'https://us-central1-aiplatform.googleapis.com';
const PARENT = `projects/${PROJECT}/locations/us-central1`;
const MODEL = `${PARENT}/publishers/google/models/gemini-2.5-flash`;
const CACHE = `${PARENT}/cachedContents/4811712834527133696`;

type Seen = { method: string; url: string; body: unknown };
const seen: Seen[] = [];
let countTokens = 10;

const server = setupServer(
  http.all(`${HOST}/*`, async ({ request }) => {
    const text = await request.text();
    seen.push({
      method: request.method,
      url: request.url,
      body: text === '' ? undefined : JSON.parse(text),
    });
    const url = new URL(request.url);
    if (url.pathname.endsWith(':countTokens'))
      return HttpResponse.json({ totalTokens: countTokens });
    if (url.pathname.endsWith(':generateContent')) {
      return HttpResponse.json({
        candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
      });
    }
    if (url.pathname.includes('/cachedContents')) {
      if (request.method === 'DELETE') return HttpResponse.json({});
      if (request.method === 'GET' && url.pathname.endsWith('/cachedContents')) {
        return HttpResponse.json({ cachedContents: [{ name: CACHE, model: MODEL }] });
      }
      return HttpResponse.json({
        name: CACHE,
        model: MODEL,
        expireTime: '2030-01-01T00:00:00Z',
        usageMetadata: { totalTokenCount: 5000 },
      });
    }
    return HttpResponse.json(
      { error: { code: 404, message: 'no route', status: 'NOT_FOUND' } },
      { status: 404 },
    );
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
  countTokens = 10;
});
afterAll(() => server.close());

const gemini = createGemini({
  vertex: { project: PROJECT, location: 'us-central1', getAccessToken: () => 'ya29.token' },
  retry: false,
});
const v1 = `${HOST}/v1`;

describe('Vertex context caches', () => {
  it('creates under the project and location, naming the full publisher model', async () => {
    const created = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      systemInstruction: 'You read leases.',
      ttlSeconds: 600,
    });
    expect(created.name).toBe(CACHE);
    expect(seen).toEqual([
      {
        method: 'POST',
        url: `${v1}/${PARENT}/cachedContents`,
        body: {
          model: MODEL,
          systemInstruction: { parts: [{ text: 'You read leases.' }] },
          ttl: '600s',
        },
      },
    ]);
  });

  it('gets, updates, deletes and lists by the name Vertex returned, or its short forms', async () => {
    await gemini.caches.get(CACHE);
    await gemini.caches.get('cachedContents/4811712834527133696');
    await gemini.caches.get('4811712834527133696');
    await gemini.caches.update(CACHE, { ttlSeconds: 300 });
    await gemini.caches.delete(CACHE);
    const page = await gemini.caches.list({ pageSize: 5 });
    expect(page.cachedContents.map((cache) => cache.name)).toEqual([CACHE]);
    expect(seen.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['GET', `${v1}/${CACHE}`, undefined],
      ['GET', `${v1}/${CACHE}`, undefined],
      ['GET', `${v1}/${CACHE}`, undefined],
      ['PATCH', `${v1}/${CACHE}?updateMask=ttl`, { ttl: '300s' }],
      ['DELETE', `${v1}/${CACHE}`, undefined],
      ['GET', `${v1}/${PARENT}/cachedContents?pageSize=5`, undefined],
    ]);
  });

  it("refuses another project's or location's cache, and a name Vertex cannot read, before sending", async () => {
    const other = 'projects/other-project/locations/europe-west4/cachedContents/1';
    await expect(gemini.caches.get(other)).rejects.toThrow(InvalidArgumentError);
    await expect(gemini.caches.get(other)).rejects.toThrow(
      "vertex: { project: 'other-project', location: 'europe-west4' }",
    );
    await expect(gemini.caches.delete('models/gemini-2.5-flash')).rejects.toThrow(
      `'${PARENT}/cachedContents/123'`,
    );
    await expect(
      gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi', cachedContent: other }),
    ).rejects.toMatchObject({ argument: 'request.cachedContent' });
    expect(seen).toEqual([]);
  });

  it('sends a generateContent cachedContent in full, as Vertex reads it', async () => {
    await gemini.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Who signs?',
      cachedContent: 'cachedContents/4811712834527133696',
    });
    await gemini.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Who signs?',
      cachedContent: CACHE,
    });
    expect(
      seen.map(({ url, body }) => [url, (body as { cachedContent: string }).cachedContent]),
    ).toEqual([
      [`${v1}/${MODEL}:generateContent`, CACHE],
      [`${v1}/${MODEL}:generateContent`, CACHE],
    ]);
  });
});

describe('Vertex countTokens', () => {
  it('sends systemInstruction, tools and generationConfig beside contents, not a generateContentRequest', async () => {
    await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'Hi' });
    await gemini.countTokens({
      model: 'gemini-2.5-flash',
      generateContentRequest: {
        contents: 'Hi',
        systemInstruction: 'Be brief.',
        tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
        generationConfig: { temperature: 0 },
      },
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: `${v1}/${MODEL}:countTokens`,
        body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
      },
      {
        method: 'POST',
        url: `${v1}/${MODEL}:countTokens`,
        body: {
          contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
          systemInstruction: { parts: [{ text: 'Be brief.' }] },
          tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }],
          generationConfig: { temperature: 0 },
        },
      },
    ]);
  });

  it('refuses a field that would change the count but that Vertex does not take', async () => {
    await expect(
      gemini.countTokens({
        model: 'gemini-2.5-flash',
        generateContentRequest: { contents: 'Hi', cachedContent: CACHE },
      }),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'request.generateContentRequest.cachedContent',
    });
    expect(seen).toEqual([]);
  });
});

describe('the agent cache option on Vertex', () => {
  it('counts, creates the cache on the Vertex route and sends its full name', async () => {
    countTokens = 5000;
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'You read leases.',
      cache: { ttlSeconds: 600 },
    });
    const result = await agent.run('Who signs?');
    expect(result.text).toBe('ok');
    await agent.close();
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `POST ${v1}/${MODEL}:countTokens`,
      `POST ${v1}/${PARENT}/cachedContents`,
      `POST ${v1}/${MODEL}:generateContent`,
      `DELETE ${v1}/${CACHE}`,
    ]);
    expect(seen[1]?.body).toMatchObject({ model: MODEL });
    expect(seen[2]?.body).toMatchObject({ cachedContent: CACHE });
  });
});
