import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack48a: the agent's prompt cache under a hundred runs at once, and again after the cache
// vanished under them (deleted by someone else, as an expired TTL does): one creation each time,
// not one per run (a herd of caches, each billed for its TTL, all but one never deleted), every
// run on the one cache, and none left behind once the agent is closed.

const MODEL = 'gemini-2.5-flash';
// About 2000 tokens by the fake's estimate: above gemini-2.5-flash's 1024.
const INSTRUCTIONS = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;

const methods = (fake: FakeGemini) => fake.requests.map((request) => request.method);
const count = (fake: FakeGemini, method: string) =>
  methods(fake).filter((name) => name === method).length;

describe('the prompt cache under a hundred runs at once', () => {
  it('is made once, once again after it vanished (idle, then mid-wave), and deleted on close', async () => {
    let deleteAt = -1;
    let deleteCache = async (): Promise<void> => {};
    await using fake = createFakeGemini({
      script: async (_request, context) => {
        // The third wave: the cache vanishes with fifty of its runs still to call the model.
        if (context.callIndex === deleteAt) await deleteCache();
        return turn.text(`Re: ${context.lastUserText}`);
      },
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: MODEL, instructions: INSTRUCTIONS, cache: true });
    const wave = (from: number) =>
      Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          index % 2 === 0
            ? agent.run(`question ${from + index}`)
            : agent.stream(`question ${from + index}`).result,
        ),
      );

    const first = await wave(0);
    expect(count(fake, 'caches.create')).toBe(1);
    const firstName = first[0]?.cache?.name;
    expect(firstName).toMatch(/^cachedContents\//);
    for (const [index, result] of first.entries()) {
      expect(result.text).toBe(`Re: question ${index}`);
      expect(result.cache?.name).toBe(firstName);
    }

    // Someone else deletes it (or its TTL ran out on the server) while the agent is idle.
    await gemini.caches.delete(firstName as string);
    const second = await wave(100);
    expect(count(fake, 'caches.create')).toBe(2);
    for (const [index, result] of second.entries()) {
      expect(result.text).toBe(`Re: question ${100 + index}`);
    }
    const secondName = second.at(-1)?.cache?.name;
    expect(secondName).not.toBe(firstName);

    deleteAt = fake.modelRequests.length + 50;
    deleteCache = () => gemini.caches.delete(secondName as string);
    const third = await wave(200);
    expect(count(fake, 'caches.create')).toBe(3);
    for (const [index, result] of third.entries()) {
      expect(result.text).toBe(`Re: question ${200 + index}`);
    }

    await agent.close();
    const left = await gemini.caches.list();
    expect(left.cachedContents ?? []).toEqual([]);
  });
});
