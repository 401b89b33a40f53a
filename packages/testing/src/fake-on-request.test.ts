import { describe, expect, it } from 'vitest';
import { createFakeGemini } from './create-fake-gemini.ts';
import type { FakeRecordedRequest } from './script/fake-types.ts';

const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });

describe('createFakeGemini({ onRequest })', () => {
  it('reports each request once it is answered, with its status and the key redacted', async () => {
    const seen: FakeRecordedRequest[] = [];
    const fake = createFakeGemini({ onRequest: (request) => seen.push({ ...request }) });
    const base = 'https://fake.test/v1beta/models';
    const headers = { 'content-type': 'application/json', 'x-goog-api-key': 'secret-key-1' };
    const ok = await fake.fetch(`${base}/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers,
      body,
    });
    const missing = await fake.fetch(`${base}/no-such-model:generateContent?key=secret-key-2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect([ok.status, missing.status]).toEqual([200, 404]);
    expect(seen.map(({ method, model, status }) => ({ method, model, status }))).toEqual([
      { method: 'generateContent', model: 'gemini-2.5-flash', status: 200 },
      { method: 'generateContent', model: 'no-such-model', status: 404 },
    ]);
    expect(JSON.stringify(seen)).not.toMatch(/secret-key/);
  });

  it('answers the same when the listener throws', async () => {
    const fake = createFakeGemini({
      onRequest: () => {
        throw new Error('listener bug');
      },
    });
    const response = await fake.fetch(
      'https://fake.test/v1beta/models/gemini-2.5-flash:generateContent',
      { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body },
    );
    expect(response.status).toBe(200);
  });

  it('refuses an onRequest that is not a function, naming it', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the point is a wrong value at run time.
    expect(() => createFakeGemini({ onRequest: 'log' as any })).toThrow(/onRequest/);
  });
});
