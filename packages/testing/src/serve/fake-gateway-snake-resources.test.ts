import { createBatches, createFiles, createGemini, type Gemini } from '@gemloop/core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// The fake's `snake-case` gateway mistake on the API's other resources (snake47): every answer in
// the proto field names, the caller's data as it was; gemloop's client reads each in camelCase,
// over a socket, as it reads the API's own.

const document = 'The tenant pays the rent on the first day of each month. '.repeat(105);
let fake: FakeGemini;
let gemini: Gemini;

beforeAll(async () => {
  fake = createFakeGemini({
    script: () => turn.call('lookup', { user_id: 7 }),
    gatewayMistakes: ['snake-case'],
  });
  const { url } = await fake.listen();
  gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
});
afterAll(() => fake.close());

describe('a snake_case gateway (the fake) on the other endpoints, read by the client', () => {
  it('countTokens: a count, not 0', async () => {
    const count = await gemini.countTokens({ model: 'gemini-2.5-flash', contents: document });
    expect(count.totalTokens).toBeGreaterThan(1000);
  });

  it('models: a model and a list in camelCase', async () => {
    const model = await gemini.getModel('gemini-2.5-flash');
    expect(model.inputTokenLimit).toBeGreaterThan(0);
    const page = await gemini.listModels({ pageSize: 2 });
    expect(page.models[0]?.inputTokenLimit).toBeGreaterThan(0);
    expect(page.nextPageToken).toEqual(expect.any(String));
  });

  it('files: an upload, a get, a walk', async () => {
    const files = createFiles(gemini);
    const uploaded = await files.upload(new TextEncoder().encode('notes'), {
      mimeType: 'text/plain',
      displayName: 'my_notes',
    });
    expect(uploaded).toMatchObject({ mimeType: 'text/plain', displayName: 'my_notes' });
    const got = await files.get(uploaded.name);
    expect(got).toMatchObject({ mimeType: 'text/plain', sizeBytes: expect.anything() });
    expect(JSON.stringify(got)).not.toMatch(/"[a-z]+_[a-z_]+":/);
    const names: string[] = [];
    for await (const file of files.listAll({ pageSize: 1 })) names.push(file.name);
    expect(names).toContain(uploaded.name);
  });

  it('caches: a cache read with its expiry and usage, and walked', async () => {
    const created = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      contents: [{ role: 'user', parts: [{ text: document }] }],
      ttlSeconds: 600,
    });
    expect(created.expireTime).toEqual(expect.any(String));
    const got = await gemini.caches.get(created.name as string);
    expect(got.usageMetadata?.totalTokenCount).toBeGreaterThan(1000);
    expect(got.expireTime).toBe(created.expireTime);
    const names: string[] = [];
    for await (const cache of gemini.caches.listAll()) names.push(cache.name as string);
    expect(names).toContain(created.name);
  });

  it("batches: a job's answers read, the call's args as the model wrote them", async () => {
    const batches = createBatches(gemini);
    const job = await batches.create({
      model: 'gemini-2.5-flash',
      requests: [{ key: 'first_one', request: { contents: 'Look user 7 up.' } }],
    });
    const done = await batches.wait(job, { pollIntervalMs: 1, maxPolls: 50 });
    expect(done.metadata?.state).toBe('BATCH_STATE_SUCCEEDED');
    const results = await batches.results(done);
    expect(results).toHaveLength(1);
    expect(results[0]?.key).toBe('first_one');
    const part = results[0]?.response?.candidates?.[0]?.content?.parts?.[0];
    expect(part?.functionCall).toMatchObject({ name: 'lookup', args: { user_id: 7 } });
  });
});
