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

const cache = {
  name: 'cachedContents/abc123',
  model: 'models/gemini-2.5-flash',
  displayName: 'contract',
  createTime: '2026-11-22T13:00:00.000000Z',
  updateTime: '2026-11-22T13:00:00.000000Z',
  expireTime: '2026-11-22T13:10:00.000000Z',
  usageMetadata: { totalTokenCount: 2048 },
};
const noRetry = { retry: false as const };

describe('gemini.caches', () => {
  it('creates a cache: POST cachedContents with the model path, a Content instruction and a ttl', async () => {
    const seen: { body: unknown; key: string | null }[] = [];
    server.use(
      http.post(`${GOOGLE}/cachedContents`, async ({ request }) => {
        seen.push({ body: await request.json(), key: request.headers.get('x-goog-api-key') });
        return HttpResponse.json(cache);
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const created = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      displayName: 'contract',
      systemInstruction: 'Answer from the contract.',
      contents: 'The contract text.',
      tools: [{ functionDeclarations: [{ name: 'lookup', description: 'Looks up a clause.' }] }],
      ttlSeconds: 600,
    });
    expect(created).toEqual(cache);
    expect(seen).toEqual([
      {
        key: TEST_KEY,
        body: {
          model: 'models/gemini-2.5-flash',
          displayName: 'contract',
          systemInstruction: { parts: [{ text: 'Answer from the contract.' }] },
          contents: [{ role: 'user', parts: [{ text: 'The contract text.' }] }],
          tools: [
            { functionDeclarations: [{ name: 'lookup', description: 'Looks up a clause.' }] },
          ],
          ttl: '600s',
        },
      },
    ]);
  });

  it('gets, updates the TTL with an updateMask, and deletes by name or bare id', async () => {
    const calls: string[] = [];
    server.use(
      http.get(`${GOOGLE}/cachedContents/abc123`, () => {
        calls.push('GET');
        return HttpResponse.json(cache);
      }),
      http.patch(`${GOOGLE}/cachedContents/abc123`, async ({ request }) => {
        const url = new URL(request.url);
        calls.push(`PATCH ${url.search} ${JSON.stringify(await request.json())}`);
        return HttpResponse.json({ ...cache, expireTime: '2026-11-22T14:00:00Z' });
      }),
      http.delete(`${GOOGLE}/cachedContents/abc123`, () => {
        calls.push('DELETE');
        return HttpResponse.json({});
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    expect((await gemini.caches.get('cachedContents/abc123')).usageMetadata).toEqual({
      totalTokenCount: 2048,
    });
    const updated = await gemini.caches.update('abc123', { ttlSeconds: 3600 });
    expect(updated.expireTime).toBe('2026-11-22T14:00:00Z');
    await gemini.caches.update('abc123', { expireTime: new Date('2026-11-22T15:00:00Z') });
    await expect(gemini.caches.delete('cachedContents/abc123')).resolves.toBeUndefined();
    expect(calls).toEqual([
      'GET',
      'PATCH ?updateMask=ttl {"ttl":"3600s"}',
      'PATCH ?updateMask=expireTime {"expireTime":"2026-11-22T15:00:00.000Z"}',
      'DELETE',
    ]);
  });

  it('lists page by page, and listAll follows nextPageToken', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${GOOGLE}/cachedContents`, ({ request }) => {
        const url = new URL(request.url);
        queries.push(url.search);
        if (url.searchParams.get('pageToken') === 'p2') {
          return HttpResponse.json({ cachedContents: [{ ...cache, name: 'cachedContents/b' }] });
        }
        return HttpResponse.json({ cachedContents: [cache], nextPageToken: 'p2' });
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const page = await gemini.caches.list({ pageSize: 1 });
    expect(page.nextPageToken).toBe('p2');
    const names: string[] = [];
    for await (const item of gemini.caches.listAll({ pageSize: 1 })) names.push(item.name ?? '');
    expect(names).toEqual(['cachedContents/abc123', 'cachedContents/b']);
    expect(queries).toEqual(['?pageSize=1', '?pageSize=1', '?pageSize=1&pageToken=p2']);
  });

  it('reads an empty page (no cachedContents field) as []', async () => {
    server.use(http.get(`${GOOGLE}/cachedContents`, () => HttpResponse.json({})));
    const page = await createGemini({ apiKey: TEST_KEY }).caches.list();
    expect(page.cachedContents).toEqual([]);
  });

  it('retries a 503 like the model calls do', async () => {
    let attempts = 0;
    server.use(
      http.get(`${GOOGLE}/cachedContents/abc123`, () => {
        attempts++;
        if (attempts === 1) {
          return HttpResponse.json(
            { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } },
            { status: 503 },
          );
        }
        return HttpResponse.json(cache);
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 0, jitter: false } });
    await gemini.caches.get('abc123');
    expect(attempts).toBe(2);
  });

  it('throws the API error as an ApiCallError naming the method, without the key', async () => {
    server.use(
      http.post(`${GOOGLE}/cachedContents`, () =>
        HttpResponse.json(
          {
            error: {
              code: 400,
              message:
                'Cached content is too small. total_token_count=1006, min_total_token_count=1024',
              status: 'INVALID_ARGUMENT',
            },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await createGemini({ apiKey: TEST_KEY, ...noRetry })
      .caches.create({ model: 'gemini-2.5-flash', contents: 'short' })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    const apiError = error as ApiCallError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain('caches.create');
    expect(apiError.message).toContain('Cached content is too small');
    expect(JSON.stringify({ ...apiError, message: apiError.message })).not.toContain(TEST_KEY);
  });

  it('refuses bad input before any request, naming the field', async () => {
    const gemini = createGemini({ apiKey: TEST_KEY });
    await expect(gemini.caches.create({ model: 'gemini-2.5-flash' })).rejects.toThrow(
      /needs something to cache/,
    );
    await expect(
      gemini.caches.create({ model: 'gemini-2.5-flash', contents: 'x', ttlSeconds: -1 }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(gemini.caches.get('../models/x')).rejects.toThrow(/cachedContents\/abc123/);
    await expect(gemini.caches.update('abc', {})).rejects.toThrow(/ttlSeconds/);
  });
});
