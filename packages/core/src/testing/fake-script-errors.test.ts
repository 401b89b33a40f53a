import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createApiCallError } from '../errors/create-api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createFakeGemini, type FakeGemini } from './create-fake-gemini.ts';
import { turn } from './fake-turn.ts';

// What a user sees through the client when the fake itself refuses (its script ran out or threw):
// the call counted as a person counts, and no advice about Google billing or regions, which would
// send them looking at their Google project for a mistake in their test.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
}

const ask = { model: 'gemini-2.5-flash', contents: 'Hi' };

async function failure(call: () => Promise<unknown>): Promise<ApiCallError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!ApiCallError.isInstance(error)) throw new Error(`expected an ApiCallError, got ${error}`);
  return error;
}

describe('the fake’s own errors, through the client', () => {
  it('counts the model call that found the script empty from 1, and gives no Google advice', async () => {
    const gemini = await serve({ script: [turn.text('one')] });
    await gemini.generateContent(ask);
    const error = await failure(() => gemini.generateContent(ask));
    expect(error.status).toBe(400);
    expect(error.message).toContain('no turn for model call #2');
    expect(error.message).not.toMatch(/billing|free tier|region/i);
    expect(error.message).toContain('fake Gemini server');
    expect(error.isRetryable).toBe(false);
  });

  it('says the same for a script that threw, streamed', async () => {
    const gemini = await serve({
      script: () => {
        throw new Error('no weather today');
      },
    });
    const error = await failure(async () => {
      for await (const _ of gemini.streamGenerateContent(ask)) void _;
    });
    expect(error.message).toContain('The script threw for model call #1: no weather today');
    expect(error.message).not.toMatch(/billing|free tier|region/i);
  });

  it('keeps the billing and region advice for a real FAILED_PRECONDITION from Google', () => {
    // The text Google sends where the free tier is not offered (public reports).
    const error = createApiCallError({
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
      method: 'generateContent',
      status: 400,
      body: JSON.stringify({
        error: {
          code: 400,
          message: 'User location is not supported for the API use.',
          status: 'FAILED_PRECONDITION',
        },
      }),
    });
    expect(error.message).toContain('User location is not supported');
    expect(error.message).toMatch(/free tier may be unavailable in your region/);
    expect(error.message).toMatch(/billing/);
  });
});
