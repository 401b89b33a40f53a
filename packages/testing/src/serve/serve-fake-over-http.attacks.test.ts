import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// A client's hostile bodies over 127.0.0.1: each gets the answer Google's API gives a body the
// proto parser cannot take (400 INVALID_ARGUMENT in its error shape), never the fake's own 500.

const fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function post(body: string): Promise<Response> {
  const fake = createFakeGemini({ script: [turn.text('hi')] });
  fakes.push(fake);
  const { url } = await fake.listen();
  return fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
    body,
  });
}

describe('fake.listen() on deeply nested bodies', () => {
  it('answers a body of 100,000 nested lists with a 400 in Google’s shape, quoting a cut value', async () => {
    // JSON.parse takes it; JSON.stringify and String() of it overflow the stack.
    const response = await post('['.repeat(100_000) + ']'.repeat(100_000));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const { error } = (await response.json()) as { error: { message: string; status: string } };
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(
      /^Invalid value at '' \(type\.googleapis\.com\/google\.ai\.generativelanguage\.v1beta\.GenerateContentRequest\), \[\[\[/,
    );
    expect(error.message.length).toBeLessThan(200);
  });

  it('answers deeply nested contents the same way', async () => {
    const response = await post(`{"contents":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; status: string } };
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^Invalid value at 'contents\[0\]' .*\[\[\[/);
  });
});
