import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const read = defineTool({
  name: 'read',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, text: 'words '.repeat(2_000) }),
});

async function usages(implicitCaching: boolean, model: string) {
  const fake = createFakeGemini({
    implicitCaching,
    script: [turn.call('read', { n: 1 }), turn.call('read', { n: 2 }), turn.text('Done.')],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  const result = await createAgent({ gemini, model, tools: [read] }).run('Read two pages.');
  return result.steps.map((step) => step.usage.cachedContentTokenCount);
}

describe('the fake implicit cache', () => {
  it('reports a repeated prefix over the model minimum as cachedContentTokenCount', async () => {
    const [first, second, third] = await usages(true, 'gemini-2.5-flash');
    expect(first).toBe(0);
    // The second request repeats the first's prefix, but it is under 2.5 Flash's 1024 tokens.
    expect(second).toBe(0);
    // The third repeats the second's, with a 3,000-token page in it.
    expect(third).toBeGreaterThan(1_024);
  });

  it('stays off unless asked, and misses under a larger model minimum', async () => {
    expect(await usages(false, 'gemini-2.5-flash')).toEqual([0, 0, 0]);
    // 2.5 Pro's minimum is 4096: a 3,000-token prefix does not reach it.
    expect((await usages(true, 'gemini-2.5-pro'))[2]).toBe(0);
  });
});
