import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function listen(cors: boolean | undefined): Promise<string> {
  const fake = createFakeGemini({ script: [turn.text('hi')] });
  fakes.push(fake);
  return (await fake.listen(cors === undefined ? {} : { cors })).url;
}

const generate = (url: string): string => `${url}/v1beta/models/gemini-2.5-flash:generateContent`;

describe('fake.listen({ cors })', () => {
  it('answers a browser preflight and lets any origin read the answer', async () => {
    const url = await listen(true);
    const preflight = await fetch(generate(url), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:9',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-goog-api-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'content-type,x-goog-api-key',
    );

    const answer = await fetch(generate(url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(await answer.json()).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'hi' }] } }],
    });
  });

  it('sends no CORS headers unless asked', async () => {
    const url = await listen(undefined);
    const answer = await fetch(generate(url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }),
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});
