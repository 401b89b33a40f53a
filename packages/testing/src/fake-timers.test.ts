import { mock } from 'node:test';
import { createAgent, createGemini, defineTool, type Gemini } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createFakeGemini, type FakeGemini } from './create-fake-gemini.ts';
import { preloadRunPath } from './preload-run-path.ts';
import { turn } from './script/fake-turn.ts';

// A user's tests of their agent on fake timers, as the testing guide shows them: the fake answers
// in process (`fetch: fake.fetch`: a fake clock jumps past real I/O), and the code a first run
// loads is loaded before the clock is faked. Without `preloadRunPath()` the first of these tests
// in a fresh module graph hung: its advance ended before that code had loaded and the first
// request left, and the retry then waited on a fake timer no one advanced.
const stuck = defineTool({
  name: 'stuck',
  description: 'Never answers.',
  parameters: z.object({}),
  timeoutMs: 30_000,
  execute: () => new Promise<never>(() => {}),
});
const lookUp = defineTool({
  name: 'look_up',
  description: 'Answers at once.',
  parameters: z.object({}),
  execute: async () => ({ ok: true }),
});

function clientOf(fake: FakeGemini): Gemini {
  return createGemini({ fetch: fake.fetch, apiKey: 'test-key' });
}

let fake: FakeGemini | undefined;
beforeAll(() => preloadRunPath());
afterEach(async () => {
  vi.useRealTimers();
  mock.timers.reset();
  await fake?.close();
});

describe('an agent under fake timers', () => {
  it("vitest's default fakes: two rate limits, retried as the clock is advanced", async () => {
    fake = createFakeGemini({ script: [turn.text('Hello.')] });
    // failNext puts its fault first: the 429 comes first, then the 503.
    fake.failNext({ type: 'overloaded' });
    fake.failNext({ type: 'rate-limit', retryDelaySeconds: 20 });
    vi.useFakeTimers();
    const agent = createAgent({ gemini: clientOf(fake), model: 'gemini-3-flash-preview' });

    const run = agent.run('Hi');
    await vi.advanceTimersByTimeAsync(19_000);
    expect(fake.requests).toHaveLength(1); // the server's RetryInfo delay is honoured exactly
    await vi.advanceTimersByTimeAsync(60_000);

    expect((await run).text).toBe('Hello.');
    expect(fake.requests.map((request) => request.status)).toEqual([429, 503, 200]);
  });

  it("stops a tool at its timeoutMs and denies an approval at the broker's deadline", async () => {
    fake = createFakeGemini({
      script: [
        turn.calls([
          { name: 'stuck', args: {} },
          { name: 'look_up', args: {} },
        ]),
        turn.text('Done.'),
      ],
    });
    vi.useFakeTimers();
    const approvals = createApprovalBroker({
      timeoutMs: 45_000,
      needsApproval: ({ toolName }) => toolName === 'look_up',
    });
    const agent = createAgent({
      gemini: clientOf(fake),
      model: 'gemini-3-flash-preview',
      tools: [stuck, lookUp],
      beforeToolCall: approvals.beforeToolCall,
    });

    const run = agent.run('Go');
    await vi.advanceTimersByTimeAsync(60_000);

    const result = await run;
    expect(result.text).toBe('Done.');
    expect(result.steps[0]?.toolCalls.map((call) => call.outcome)).toEqual(['timeout', 'denied']);
  });

  it("fails a model call at the client's timeoutMs when the fake answers later", async () => {
    fake = createFakeGemini({
      script: [turn.text('Hello.')],
      faults: [{ fault: { type: 'latency', ms: 50_000 } }],
    });
    vi.useFakeTimers();
    const gemini = createGemini({
      fetch: fake.fetch,
      apiKey: 'test-key',
      timeoutMs: 10_000,
      retry: false,
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });

    const failure = agent.run('Hi').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(String(await failure)).toContain('timed out after 10000 ms');
  });

  it("node:test's mock timers: a rate limit retried when the test ticks past its delay", async () => {
    fake = createFakeGemini({ script: [turn.text('Hello.')] });
    fake.failNext({ type: 'rate-limit', retryDelaySeconds: 20 });
    const agent = createAgent({ gemini: clientOf(fake), model: 'gemini-3-flash-preview' });
    mock.timers.enable({ apis: ['setTimeout'] });

    const run = agent.run('Hi');
    // tick() is synchronous: the retry's timer must be set first, once the 429 is read.
    await vi.waitFor(() => expect(fake?.requests).toHaveLength(1), { timeout: 60_000 });
    await new Promise((resolve) => setImmediate(resolve));
    mock.timers.tick(20_000);

    expect((await run).text).toBe('Hello.');
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
  });
});
