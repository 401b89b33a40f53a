import { createFakeGemini, type FakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Gemini } from '../http/gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// The `cache` option as a plugin on the seam (issue 53): where its agent runs (a subagent, a
// handoff, a stream), and the seam's `cachedContent`, which a third party's plugin sets as the
// built-in one does. Against the fake Gemini, which keeps cachedContents with the real contract
// (a 400 when systemInstruction/tools/toolConfig are sent beside cachedContent).

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: FakeScript) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

// About 2000 tokens by the fake's estimate: above gemini-2.5-flash's 1024.
const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;
const lookup = defineTool({
  name: 'lookup_clause',
  description: 'Finds a clause by number.',
  parameters: z.object({ number: z.number() }),
  execute: ({ number }) => ({ number, text: 'Rent is due on the first.' }),
});
const bodies = (fake: FakeGemini) =>
  fake.modelRequests.map((request) => request.body as Record<string, unknown>);

describe('the prompt cache plugin', () => {
  it("serves a subagent's calls with the subagent's cache, and none of its parent's", async () => {
    const { fake, gemini } = await serve([
      turn.call('lease', { task: 'When is rent due?' }),
      turn.call('lookup_clause', { number: 4 }),
      turn.text('On the first.'),
      turn.text('Rent is due on the first.'),
    ]);
    const lease = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      tools: [lookup],
      cache: true,
    });
    const parent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'You route lease questions.',
      tools: [subagent(lease, { name: 'lease', description: 'Answers lease questions.' })],
    });
    const result = await parent.run('When is rent due?');
    expect(result.text).toBe('Rent is due on the first.');
    const sent = bodies(fake);
    expect(sent).toHaveLength(4);
    // The parent's two calls: its own instructions inline, no cache.
    for (const body of [sent[0], sent[3]]) {
      expect(body).not.toHaveProperty('cachedContent');
      expect(body?.['systemInstruction']).toEqual({
        parts: [{ text: 'You route lease questions.' }],
      });
    }
    // The subagent's two calls: through its cache, without the fields the cache holds.
    for (const body of [sent[1], sent[2]]) {
      expect(body?.['cachedContent']).toMatch(/^cachedContents\//);
      expect(body).not.toHaveProperty('systemInstruction');
      expect(body).not.toHaveProperty('tools');
    }
    await lease.close();
  });

  it('steps aside once a handoff gives the run to another agent, streamed and unary', async () => {
    for (const streamed of [false, true]) {
      const { fake, gemini } = await serve([
        turn.call('transfer_to_billing', {}),
        turn.text('Refund issued.'),
      ]);
      const billing = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        name: 'billing',
        instructions: 'You handle billing.',
      });
      const triage = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        name: 'triage',
        instructions: longInstructions,
        tools: [lookup, handoff(billing)],
        cache: true,
      });
      const result = streamed
        ? await triage.stream('I want a refund.').result
        : await triage.run('I want a refund.');
      expect(result.text).toBe('Refund issued.');
      const [first, second] = bodies(fake);
      expect(first?.['cachedContent']).toMatch(/^cachedContents\//);
      // Billing's call: its own instructions, not triage's cache (which holds triage's).
      expect(second).not.toHaveProperty('cachedContent');
      expect(second?.['systemInstruction']).toEqual({ parts: [{ text: 'You handle billing.' }] });
      // The result's cache report is the agent holding the run's at its end: billing has none.
      expect(result.cache).toBeUndefined();
      await triage.close();
    }
  });

  it('goes on with the live cache, unrefreshed, when its TTL cannot be refreshed', async () => {
    const { fake, gemini } = await serve(() => turn.text('OK'));
    let clock = Date.parse('2026-11-25T23:00:00Z');
    let updates = 0;
    const refusing: Gemini = {
      ...gemini,
      caches: {
        ...gemini.caches,
        update: () => {
          updates++;
          return Promise.reject(new Error('the TTL update failed'));
        },
      },
    };
    const agent = createAgent({
      gemini: refusing,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: { ttlSeconds: 600 },
      now: () => clock,
    });
    const first = await agent.run('One.');
    expect(first.cache?.status).toBe('active');
    clock += 400_000; // past half the TTL: the next run refreshes it first, and that fails
    const second = await agent.run('Two.');
    expect(second.text).toBe('OK');
    expect(second.cache).toMatchObject({ status: 'active', name: first.cache?.name });
    await agent.run('Three.');
    expect(updates).toBe(1);
    expect(bodies(fake).map((body) => body['cachedContent'])).toEqual(
      Array(3).fill(first.cache?.name),
    );
    await agent.close();
  });

  it('lets a plugin of its own send a call with a cachedContent (ModelCallDraft.cachedContent), streamed and unary', async () => {
    const { fake, gemini } = await serve(() => turn.text('Cached answer.'));
    const made = await gemini.caches.create({
      model: 'gemini-2.5-flash',
      systemInstruction: { parts: [{ text: longInstructions }] },
      tools: [
        { functionDeclarations: [{ name: 'lookup_clause', description: 'Finds a clause.' }] },
      ],
      ttlSeconds: 600,
    });
    const seen: (string | undefined)[] = [];
    const ownCache = definePlugin({
      name: 'own-cache',
      wrapModelCall: (call, next) => {
        seen.push(call.cachedContent);
        return next({ ...call, cachedContent: made.name });
      },
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      tools: [lookup],
      plugins: [ownCache],
    });
    expect((await agent.run('Hi')).text).toBe('Cached answer.');
    expect((await agent.stream('Hi').result).text).toBe('Cached answer.');
    expect(seen).toEqual([undefined, undefined]);
    for (const body of bodies(fake)) {
      expect(body['cachedContent']).toBe(made.name);
      expect(body).not.toHaveProperty('systemInstruction');
      expect(body).not.toHaveProperty('tools');
      expect(body).not.toHaveProperty('toolConfig');
    }
    // A cachedContent that is not a non-empty string is ignored: the prefix goes inline.
    const odd = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'Short.',
      plugins: [
        definePlugin({
          name: 'odd-cache',
          wrapModelCall: (call, next) => next({ ...call, cachedContent: 42 as unknown as string }),
        }),
      ],
    });
    await odd.run('Hi');
    const last = bodies(fake).at(-1);
    expect(last).not.toHaveProperty('cachedContent');
    expect(last?.['systemInstruction']).toEqual({ parts: [{ text: 'Short.' }] });
  });
});
