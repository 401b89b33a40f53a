import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { RetryEvent } from '../retry/with-retry.ts';
import { createGemini } from './create-gemini.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve() {
  const fake = createFakeGemini({
    script: () => turn.text('ok'),
    faults: [{ fault: { type: 'overloaded' }, on: [0, 2] }],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  return createGemini({
    baseUrl: url,
    apiKey: 'k',
    retry: { initialDelayMs: 1, jitter: false },
  });
}

describe('CallOptions.onRetry', () => {
  it('hears every retried attempt of a unary call and of a stream', async () => {
    const gemini = await serve();
    const events: RetryEvent[] = [];
    const onRetry = (event: RetryEvent) => events.push(event);
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' }, { onRetry });
    for await (const _chunk of gemini.streamGenerateContent(
      { model: 'gemini-2.5-flash', contents: 'Hi' },
      { onRetry },
    )) {
      // drain
    }
    expect(events.map((event) => event.attempt)).toEqual([1, 1]);
    expect(events.every((event) => ApiCallError.isInstance(event.error))).toBe(true);
    expect(events.map((event) => (event.error as ApiCallError).status)).toEqual([503, 503]);
  });

  it('never changes the call when it throws, and must be a function', async () => {
    const gemini = await serve();
    const response = await gemini.generateContent(
      { model: 'gemini-2.5-flash', contents: 'Hi' },
      {
        onRetry: () => {
          throw new Error('observer bug');
        },
      },
    );
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    await expect(
      gemini.generateContent(
        { model: 'gemini-2.5-flash', contents: 'Hi' },
        { onRetry: 'yes' as never },
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
