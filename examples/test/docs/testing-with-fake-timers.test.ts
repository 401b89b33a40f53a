// Guide "Testing your agent with the fake", its "Fake timers": the 429's 30 s wait passes on the
// fake clock, the run's code loaded before the clock is faked, the answer in process.
import { createAgent, createGemini, type Gemini } from '@gemloop/core';
import { createFakeGemini, preloadRunPath, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// The code under test, as in the guide's first file (its tool plays no part here).
function createWeatherAgent(gemini: Gemini) {
  return createAgent({ gemini, model: 'gemini-3-flash-preview' });
}

describe('the weather agent under fake timers', () => {
  const fake = createFakeGemini({ script: [turn.text('Hello.')] });
  afterAll(() => fake.close());

  beforeAll(() => preloadRunPath());
  afterEach(() => vi.useRealTimers());

  it('retries a rate limit', async () => {
    vi.useFakeTimers();
    fake.failNext({ type: 'rate-limit', retryDelaySeconds: 30 });
    const gemini = createGemini({ fetch: fake.fetch, apiKey: 'test-key' });
    const run = createWeatherAgent(gemini).run('Hi');
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await run).text).toBe('Hello.');
    expect(fake.modelRequests).toHaveLength(2);
  });
});
