import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgUiHandler } from '../ag-ui/create-ag-ui-handler.ts';
import { createOpenAIHandler } from '../openai/create-openai-handler.ts';

// attack23: the doors checked `rateLimit: { requests, windowMs }` and the limiter read the same
// object again on every request, so a getter gave the check `requests: 2` and the limiter NaN, and
// no request was ever refused (`count > NaN` is false). The `agents` map was checked (each model id
// against its rule) and then served from the same object. Each is now read once, at the check.

const gemini = createGemini({
  apiKey: 'k',
  fetch: async () => {
    throw new Error('no model call here');
  },
});
const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });

/** `{ requests: 2, windowMs: 60000 }` whose `requests` is 2 at its first read and NaN after. */
function shiftingLimit(reads: { requests: number }): { requests: number; windowMs: number } {
  const limit = { windowMs: 60_000 } as { requests: number; windowMs: number };
  Object.defineProperty(limit, 'requests', {
    enumerable: true,
    get: () => (++reads.requests === 1 ? 2 : Number.NaN),
  });
  return limit;
}

describe("a door's nested options are read once", () => {
  it('the OpenAI door refuses the third request of a window of 2, whatever rateLimit gives later', async () => {
    const reads = { requests: 0 };
    const handler = createOpenAIHandler({
      agents: { 'support-agent': agent },
      authorize: () => 'alice',
      rateLimit: shiftingLimit(reads),
    });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await handler(new Request('http://127.0.0.1/v1/models'));
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(reads.requests).toBe(1);
  });

  it("the OpenAI door's agents map: the agent checked is the one that answers", async () => {
    await using fake = createFakeGemini({ script: [turn.text('Hello.')] });
    const served = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false }),
      model: 'gemini-2.5-flash',
    });
    let reads = 0;
    const agents = {} as Record<string, unknown>;
    // An agent to the check, then an object that is none: the door answered 500.
    Object.defineProperty(agents, 'support-agent', {
      enumerable: true,
      get: () => (++reads === 1 ? served : {}),
    });
    const handler = createOpenAIHandler({ agents: agents as never, authorize: () => 'alice' });
    const response = await handler(
      new Request('http://127.0.0.1/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'support-agent',
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      }),
    );
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]
        ?.message.content,
    ).toBe('Hello.');
  });

  it('the AG-UI door refuses the third request of a window of 2, whatever rateLimit gives later', async () => {
    const reads = { requests: 0 };
    const handler = createAgUiHandler({
      agent,
      authorize: () => 'alice',
      rateLimit: shiftingLimit(reads),
    });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) {
      // A body that is not RunAgentInput: the limit is taken before the body is read.
      const response = await handler(
        new Request('http://127.0.0.1/', { method: 'POST', body: '{' }),
      );
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses[2]).toBe(429);
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(reads.requests).toBe(1);
  });
});
