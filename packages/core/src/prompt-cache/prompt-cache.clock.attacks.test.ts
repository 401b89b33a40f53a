import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';

// Attack (economy68): the agent's clock (`now`) steps back an hour between runs (an NTP step, a VM
// restored from a snapshot, an app's clock). The prompt cache reads two times by it: when a
// creation that failed for a passing reason is tried again (a minute on), and when the cache's TTL
// is refreshed (past half of it). Both were read as "not yet" for the hour the clock went back: a
// failed creation left every call paying the whole prefix inline for an hour and a minute, and a
// live cache went unrefreshed until the server expired it under a run (Google: a cache's TTL counts
// from its creation or last update, ai.google.dev/gemini-api/docs/caching). Neither waits longer
// than its own span of the reading clock.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

// About 2000 tokens by the fake's estimate: above gemini-2.5-flash's 1024.
const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;
const HOUR = 3_600_000;

async function serve(route: (method: string) => Response | undefined) {
  const fake = createFakeGemini({ script: () => turn.text('OK') });
  fakes.push(fake);
  const { url } = await fake.listen();
  const cacheCalls: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET';
    if (String(input).includes('/cachedContents')) {
      cacheCalls.push(method);
      const answer = route(method);
      if (answer !== undefined) return answer;
    }
    return globalThis.fetch(input, init);
  };
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', fetch, retry: false });
  return { fake, gemini, cacheCalls };
}

const overloaded = () =>
  Response.json(
    { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
    { status: 503 },
  );

describe('the prompt cache with a clock that steps back', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`tries a failed creation again a minute on after the clock stepped back an hour (${mode})`, async () => {
      let clock = Date.parse('2026-12-03T08:00:00Z');
      let failing = true;
      const { fake, gemini, cacheCalls } = await serve((method) =>
        method === 'POST' && failing ? overloaded() : undefined,
      );
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: true,
        now: () => clock,
      });
      const send = (input: string) =>
        mode === 'run' ? agent.run(input) : agent.stream(input).result;
      expect((await send('One.')).cache?.status).toBe('unavailable');
      failing = false;
      clock -= HOUR; // the clock steps back
      clock += 61_000; // a minute on, by the clock that reads it
      const second = await send('Two.');
      expect(second.cache?.status).toBe('active');
      expect(cacheCalls).toEqual(['POST', 'POST']);
      const sent = fake.modelRequests.map(
        (request) => typeof (request.body as Record<string, unknown>)['cachedContent'],
      );
      expect(sent).toEqual(['undefined', 'string']);
      await agent.close();
    });

    it(`refreshes a live cache's TTL past half of it after the clock stepped back an hour (${mode})`, async () => {
      let clock = Date.parse('2026-12-03T08:00:00Z');
      const { gemini, cacheCalls } = await serve(() => undefined);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: { ttlSeconds: 600 },
        now: () => clock,
      });
      const send = (input: string) =>
        mode === 'run' ? agent.run(input) : agent.stream(input).result;
      const first = await send('One.');
      expect(first.cache?.status).toBe('active');
      clock -= HOUR; // the clock steps back
      clock += 400_000; // past half the TTL since the cache was made, by the clock that reads it
      const second = await send('Two.');
      expect(second.cache?.name).toBe(first.cache?.name);
      // The TTL is refreshed (PATCH), as on a steady clock, before the server expires the cache.
      expect(cacheCalls.filter((method) => method === 'PATCH')).toHaveLength(1);
      await agent.close();
    });
  }
});
