import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { validateHistory } from '../history/validate-history.ts';
import { createGemini } from '../http/create-gemini.ts';

// Issue 53 (letters45): a 429's RetryInfo honoured in a streamed run and a chat session's send and
// sendStream (the README's row named D T R). The fake answers the first request with its recorded
// 429 shape, `retryDelay: "1s"`; the client's own backoff is 5 ms, so a wait of a second is the
// server's, and the answer after it is the run's.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function serve() {
  const fake = createFakeGemini({
    script: [turn.text('Answered after the wait.')],
    faults: [{ fault: { type: 'rate-limit', retryDelaySeconds: 1 }, on: 0 }],
  });
  fakes.push(fake);
  const gemini = createGemini({
    fetch: fake.fetch,
    apiKey: 'test-key',
    retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 5, jitter: false },
  });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false });
  return { fake, agent };
}

async function timed<T>(body: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await body();
  return { value, ms: performance.now() - started };
}

describe("a 429's RetryInfo on every way of running", () => {
  it('agent.stream waits the server delay, then streams the answer', async () => {
    const { fake, agent } = serve();
    const { value, ms } = await timed(async () => {
      const stream = agent.stream('Hi');
      const deltas: string[] = [];
      for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.text);
      return { deltas, result: await stream.result };
    });
    expect(fake.modelRequests.map((request) => request.status)).toEqual([429, 200]);
    expect(ms).toBeGreaterThanOrEqual(990);
    expect(value.deltas.join('')).toBe('Answered after the wait.');
    expect(value.result.text).toBe('Answered after the wait.');
  });

  it.each(['send', 'sendStream'] as const)(
    'a chat session’s %s waits the server delay; the stored turn holds one answer',
    async (mode) => {
      const { fake, agent } = serve();
      const session = createChatSession({ agent });
      const { value, ms } = await timed(async () => {
        if (mode === 'send') return session.send('Hi');
        const stream = session.sendStream('Hi');
        for await (const _event of stream) {
          // drained
        }
        return stream.result;
      });
      expect(fake.modelRequests.map((request) => request.status)).toEqual([429, 200]);
      expect(ms).toBeGreaterThanOrEqual(990);
      expect(value.text).toBe('Answered after the wait.');
      const history = await session.history();
      expect(validateHistory(history)).toEqual([]);
      expect(history.map((content) => content.role)).toEqual(['user', 'model']);
      await session.close();
    },
  );
});
