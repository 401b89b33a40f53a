import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import { afterEach } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import type { Gemini } from '../../http/gemini.ts';

/**
 * For a test file: a function that starts the fake Gemini on 127.0.0.1 with `options` and gives it
 * with a client on it (test key, no retries); every fake it started is closed after each test.
 */
export function useFakeGemini(): (
  options: Parameters<typeof createFakeGemini>[0],
) => Promise<{ fake: FakeGemini; gemini: Gemini }> {
  const fakes: FakeGemini[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });
  return async (options) => {
    const fake = createFakeGemini(options);
    fakes.push(fake);
    const { url } = await fake.listen();
    return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
  };
}
