import { ApiCallError } from '@gemloop/core/errors';
import type { Gemini } from '@gemloop/core/http';
import { createGemini } from '@gemloop/core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// About 1500 tokens by the fake's estimate (four characters a token): above Flash's 1024.
const document = 'The tenant pays the rent on the first day of each month. '.repeat(105);
let clock = Date.parse('2026-11-22T13:00:00Z');
let fake: FakeGemini;
let gemini: Gemini;
let baseUrl: string;

beforeAll(async () => {
  fake = createFakeGemini({ now: () => clock, script: () => turn.text('Answered.') });
  const { url } = await fake.listen();
  baseUrl = url;
  gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
});
afterAll(() => fake.close());

function apiError(promise: Promise<unknown>): Promise<ApiCallError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      if (!ApiCallError.isInstance(error)) throw error;
      return error;
    },
  );
}

describe('the fake cachedContents resource', () => {
  it('creates, gets, lists with paging, updates the TTL and deletes, on the fake clock', async () => {
    const created = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      displayName: 'lease',
      systemInstruction: 'Answer from the lease.',
      contents: document,
      ttlSeconds: 300,
    });
    expect(created).toMatchObject({
      name: expect.stringMatching(/^cachedContents\/[a-z0-9]{12}$/),
      model: 'models/gemini-2.5-flash',
      displayName: 'lease',
      createTime: '2026-11-22T13:00:00.000Z',
      expireTime: '2026-11-22T13:05:00.000Z',
      usageMetadata: { totalTokenCount: expect.any(Number) },
    });
    const name = created.name as string;
    expect(created.usageMetadata?.totalTokenCount).toBeGreaterThan(1024);
    expect(await gemini.caches.get(name)).toEqual(created);

    const second = await gemini.caches.create({ model: 'gemini-2.5-flash', contents: document });
    const first = await gemini.caches.list({ pageSize: 1 });
    expect(first.cachedContents.map((cache) => cache.name)).toEqual([name]);
    const rest = await gemini.caches.list({ pageSize: 1, pageToken: first.nextPageToken });
    expect(rest.cachedContents.map((cache) => cache.name)).toEqual([second.name]);
    expect(rest.nextPageToken).toBeUndefined();

    clock += 60_000;
    const updated = await gemini.caches.update(name, { ttlSeconds: 600 });
    expect(updated.expireTime).toBe('2026-11-22T13:11:00.000Z');
    expect(updated.updateTime).toBe('2026-11-22T13:01:00.000Z');

    await gemini.caches.delete(second.name as string);
    const gone = await apiError(gemini.caches.get(second.name as string));
    expect(gone.status).toBe(403);
    expect(gone.message).toContain('CachedContent not found (or permission denied)');
    expect(fake.requests.map((request) => request.method)).toContain('caches.update');
    await gemini.caches.delete(name);
  });

  it('expires a cache by its TTL: it is gone from get, list and generateContent', async () => {
    const cache = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      contents: document,
      ttlSeconds: 60,
    });
    clock += 61_000;
    expect((await apiError(gemini.caches.get(cache.name as string))).status).toBe(403);
    expect((await gemini.caches.list()).cachedContents).toEqual([]);
    const error = await apiError(
      gemini.generateContent({
        model: 'gemini-2.5-flash',
        cachedContent: cache.name,
        contents: 'Who pays?',
      }),
    );
    expect(error.status).toBe(403);
  });

  it("refuses a cache below the model's minimum with the API's 400", async () => {
    const error = await apiError(
      gemini.caches.create({ model: 'gemini-2.5-flash', contents: 'Too short to cache.' }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /Cached content is too small\. total_token_count=\d+, min_total_token_count=1024/,
    );
    // Pro needs 4096: the same document is too small there.
    const pro = await apiError(
      gemini.caches.create({ model: 'gemini-2.5-pro', contents: document }),
    );
    expect(pro.message).toContain('min_total_token_count=4096');
    const unknown = await apiError(
      gemini.caches.create({ model: 'gemini-9-flahs', contents: document }),
    );
    expect(unknown.status).toBe(404);
  });

  it('answers generateContent with cachedContent as if the prefix were sent, and reports cachedContentTokenCount', async () => {
    const cache = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      systemInstruction: 'Answer from the lease.',
      contents: document,
    });
    const cachedTokens = cache.usageMetadata?.totalTokenCount as number;
    const response = await gemini.generateContent({
      model: 'gemini-2.5-flash',
      cachedContent: cache.name,
      contents: 'Who pays the rent?',
    });
    expect(response.usageMetadata?.cachedContentTokenCount).toBe(cachedTokens);
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(cachedTokens);
    await gemini.caches.delete(cache.name as string);
  });

  it('rejects systemInstruction, tools or toolConfig beside cachedContent with the real 400', async () => {
    const cache = await gemini.caches.create({ model: 'gemini-2.5-flash', contents: document });
    const beside = [
      { systemInstruction: 'Be brief.' },
      { tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }] },
      { toolConfig: { functionCallingConfig: { mode: 'AUTO' as const } } },
    ];
    for (const extra of beside) {
      const error = await apiError(
        gemini.generateContent({
          model: 'gemini-2.5-flash',
          cachedContent: cache.name,
          contents: 'Hi',
          ...extra,
        }),
      );
      expect(error.status).toBe(400);
      expect(error.message).toContain(
        'Tool config, tools and system instruction should not be set in the request when using cached content.',
      );
    }
    const otherModel = await apiError(
      gemini.generateContent({
        model: 'gemini-3-flash-preview',
        cachedContent: cache.name,
        contents: 'Hi',
      }),
    );
    expect(otherModel.status).toBe(400);
    await gemini.caches.delete(cache.name as string);
  });
});

describe('the fake cachedContents resource on Vertex AI', () => {
  const vertexUrl = (path: string) => `${baseUrl}/v1/projects/p-1/locations/us-central1/${path}`;
  const send = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(vertexUrl(path), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: 'Bearer ya29.token', 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const contents = [{ role: 'user', parts: [{ text: document }] }];

  it('lives under the project and location, names the publisher model, lists only its own', async () => {
    const model = 'projects/p-1/locations/us-central1/publishers/google/models/gemini-2.5-flash';
    const created = await send('cachedContents', { body: { model, contents, ttl: '60s' } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      name: expect.stringMatching(/^projects\/p-1\/locations\/us-central1\/cachedContents\/\d+$/),
      model,
    });
    const name = created.json['name'] as string;
    const id = name.split('/').at(-1) as string;
    expect((await send(`cachedContents/${id}`)).json['name']).toBe(name);
    const listed = (await send('cachedContents')).json['cachedContents'] as { name: string }[];
    expect(listed.map((cache) => cache.name)).toEqual([name]);
    expect((await send(`cachedContents/${id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it("refuses the Gemini API's models/ name for a cache's model", async () => {
    const refused = await send('cachedContents', {
      body: { model: 'models/gemini-2.5-flash', contents },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('publishers/google/models/');
  });
});

/** The fields these tests read of a cache, a list, an answer or an error. */
type CacheAnswer = {
  name: string;
  expireTime: string;
  usageMetadata: { totalTokenCount: number; cachedContentTokenCount: number };
  cachedContents?: { name: string }[];
  error: { message: string; status: string };
};

describe('the fake cachedContents resource on bad input', () => {
  // Bodies as a client other than gemloop's may send them: the fake refuses what the API's
  // proto-JSON parser refuses, stores nothing, and keeps serving.
  const small = createFakeGemini({ minCacheTokens: 1, now: () => clock });
  const send = async (path: string, method = 'GET', body?: unknown) => {
    const response = await small.fetch(`https://x/v1beta/${path}`, {
      method,
      headers: { 'x-goog-api-key': 'k' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as CacheAnswer };
  };
  const cache = (extra: Record<string, unknown> = {}) => ({
    model: 'models/gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'The rent is due on the first.' }] }],
    ...extra,
  });
  const names = async () =>
    ((await send('cachedContents')).json['cachedContents'] ?? []).map(
      (each: { name: string }) => each.name,
    );

  it.each([
    [
      'a ttl without its unit',
      { ttl: '300' },
      "Illegal duration format; duration must end with 's'",
    ],
    ['a ttl as a number', { ttl: 300 }, "duration must end with 's'"],
    ['a negative ttl', { ttl: '-5s' }, "duration must end with 's'"],
    // Past google.protobuf.Duration's range (duration.proto); it once stored an expiration past
    // JavaScript's last Date, and every later list threw RangeError.
    ['a ttl past 10,000 years', { ttl: '9000000000000s' }, 'Duration value exceeds limits'],
    [
      'both ttl and expireTime',
      { ttl: '60s', expireTime: '2030-01-01T00:00:00Z' },
      'Only one of ttl and expire_time may be set.',
    ],
    [
      'an expireTime that is no timestamp',
      { expireTime: 'tomorrow' },
      "(type.googleapis.com/google.protobuf.Timestamp), Field 'expireTime', Invalid time format",
    ],
    [
      'an expireTime past year 9999',
      { expireTime: '+010000-01-01T00:00:00Z' },
      'Invalid time format',
    ],
    ['no model', { model: undefined }, 'cached_content.model: Model name is required'],
    ['an empty model', { model: '' }, 'Model name is required'],
  ])('refuses %s with a 400 and stores nothing', async (_, extra, message) => {
    const before = await names();
    const refused = await send('cachedContents', 'POST', cache(extra));
    expect(refused.status).toBe(400);
    expect(refused.json['error']).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(refused.json['error'].message).toContain(message);
    expect(await names()).toEqual(before);
  });

  it('takes a fractional ttl and expire_time in snake case', async () => {
    const fractional = await send('cachedContents', 'POST', cache({ ttl: '1.5s' }));
    expect(fractional.json['expireTime']).toBe(new Date(clock + 1500).toISOString());
    const snake = await send(
      'cachedContents',
      'POST',
      cache({ expire_time: '2030-01-01T00:00:00Z' }),
    );
    expect(snake.json['expireTime']).toBe('2030-01-01T00:00:00.000Z');
  });

  it('updates only the expiration, named in updateMask, and refuses any other patch', async () => {
    const created = await send(
      'cachedContents',
      'POST',
      cache({ displayName: 'lease', ttl: '60s' }),
    );
    const path = created.json['name'] as string;
    const patch = (query: string, body: unknown) => send(`${path}${query}`, 'PATCH', body);
    const refusals = [
      await patch('', { ttl: '120s' }),
      await patch('?updateMask=displayName', { displayName: 'other' }),
      await patch('?updateMask=ttl,contents', { ttl: '120s', contents: [] }),
      await patch('?updateMask=ttl', { displayName: 'no expiration here' }),
      await patch('?updateMask=ttl', { ttl: 'soon' }),
    ];
    expect(refusals.map((refusal) => refusal.status)).toEqual([400, 400, 400, 400, 400]);
    expect(refusals[0]?.json['error'].message).toContain('update_mask is required');
    expect(refusals[1]?.json['error'].message).toContain("field 'displayName' cannot be updated");
    expect(refusals[2]?.json['error'].message).toContain("field 'contents' cannot be updated");
    // Nothing changed by the refusals.
    expect((await send(path)).json).toEqual(created.json);
    const updated = await patch('?update_mask=expire_time', {
      expire_time: '2031-01-01T00:00:00Z',
    });
    expect(updated.json).toEqual({ ...created.json, expireTime: '2031-01-01T00:00:00.000Z' });
  });

  it('answers 403 for a cache it does not hold and 404 for a verb the resource has not', async () => {
    const missing = await send('cachedContents/nope');
    expect(missing.status).toBe(403);
    expect(missing.json['error'].message).toBe('CachedContent not found (or permission denied)');
    expect((await send('cachedContents/nope', 'DELETE')).status).toBe(403);
    const created = await send('cachedContents', 'POST', cache());
    const put = await send(created.json['name'], 'PUT', cache());
    expect(put.status).toBe(404);
    expect((await send('cachedContents', 'DELETE')).status).toBe(404);
  });

  it('reads cached_content in snake case on generateContent, and refuses one that is no string', async () => {
    const created = await send('cachedContents', 'POST', cache());
    const ask = (body: unknown) => send('models/gemini-2.5-flash:generateContent', 'POST', body);
    const answered = await ask({
      cached_content: created.json['name'],
      contents: [{ role: 'user', parts: [{ text: 'When?' }] }],
    });
    expect(answered.status).toBe(200);
    expect(answered.json['usageMetadata'].cachedContentTokenCount).toBe(
      created.json['usageMetadata'].totalTokenCount,
    );
    const notString = await ask({
      cachedContent: { name: created.json['name'] },
      contents: [{ role: 'user', parts: [{ text: 'When?' }] }],
    });
    expect(notString.status).toBe(400);
    expect(notString.json['error'].message).toMatch(
      /^Invalid value at 'cached_content' \(TYPE_STRING\), \{"name":/,
    );
  });
});
