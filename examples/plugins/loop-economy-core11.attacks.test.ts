// The loop-economy plugins under hostile answers (attack-core11): a gateway that says the prompt
// cache is gone on every call that names it; a model repeating one call with its JSON keys
// reordered (the loop guard); two cached tools called with the same arguments, and one call's
// arguments reordered (the tool-result cache). Public imports only, the fake Gemini on 127.0.0.1.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { loopGuard } from '@gemloop/core/loop-guard';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, KEY, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

// About 2,000 tokens by the fake's estimate: above gemini-2.5-flash's cache minimum of 1,024.
const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;

describe('a gateway that says the cache is gone on every call naming it', () => {
  for (const mode of MODES) {
    it(`makes it twice, then answers inline, and the agent's next run goes inline at once (${mode})`, async () => {
      const fake = createFakeGemini({
        script: () => turn.text('OK'),
        faults: [
          {
            fault: {
              type: 'http-error',
              error: {
                status: 403,
                body: {
                  error: {
                    code: 403,
                    message: 'CachedContent not found (or permission denied)',
                    status: 'PERMISSION_DENIED',
                  },
                },
              },
            },
            on: ({ body }) => (body as { cachedContent?: unknown }).cachedContent !== undefined,
          },
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
      const agent = createAgent({
        gemini,
        model: MODEL,
        instructions: longInstructions,
        cache: true,
      });
      const { result, error } = await outcome(agent, mode, 'Hi');
      // The cache made, named, said gone; made again, said gone again: the step is sent inline.
      expect(error).toBeUndefined();
      expect(result?.text).toBe('OK');
      const creates = () => fake.requests.filter(({ method }) => method === 'caches.create');
      expect(creates()).toHaveLength(2);
      const named = fake.modelRequests.map(
        ({ body }) => (body as { cachedContent?: unknown }).cachedContent !== undefined,
      );
      expect(named).toEqual([true, true, false]);
      // The next run sends inline at once: no cache made again, one request.
      const next = await outcome(agent, mode, 'Again');
      expect(next.result?.text).toBe('OK');
      expect(creates()).toHaveLength(2);
      expect(fake.modelRequests).toHaveLength(4);
      expect(everything(next.result?.cache)).not.toContain(KEY);
      await agent.close();
    });
  }
});

describe('the loop guard and reordered keys', () => {
  for (const mode of MODES) {
    it(`the same call with its keys in another order each time is one call repeated (${mode})`, async () => {
      const orders = [
        { city: 'Oslo', unit: 'C', days: 3 },
        { unit: 'C', days: 3, city: 'Oslo' },
        { days: 3, city: 'Oslo', unit: 'C' },
        { city: 'Oslo', days: 3, unit: 'C' },
        { unit: 'C', city: 'Oslo', days: 3 },
        { days: 3, unit: 'C', city: 'Oslo' },
      ];
      let ran = 0;
      const weather = defineTool({
        name: 'weather',
        parameters: z.object({ city: z.string(), unit: z.string(), days: z.number() }),
        execute: () => {
          ran++;
          return { forecast: 'rain' };
        },
      });
      const { fake, gemini } = await serve([
        ...orders.map((args) => turn.call('weather', args)),
        turn.text('done'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [weather],
        plugins: [loopGuard()],
      });
      const { result } = await outcome(agent, mode, 'Weather?');
      // Steered after the third answer, ended at the fifth: not all six calls ran.
      expect(ran).toBeLessThan(orders.length);
      expect(result?.finishReason === 'plugin' || fake.modelRequests.length < 7).toBe(true);
    });
  }
});

describe('the tool-result cache: two tools, the same arguments; reordered arguments', () => {
  for (const mode of MODES) {
    it(`each tool runs once for its own result, and a reordered call is a hit (${mode})`, async () => {
      const runs: string[] = [];
      const make = (name: string) =>
        defineTool({
          name,
          parameters: z.object({ id: z.string(), lang: z.string() }),
          execute: ({ id }) => {
            runs.push(name);
            return { from: name, id };
          },
        });
      const { fake, gemini } = await serve([
        turn.calls([
          { name: 'read_doc', args: { id: '7', lang: 'en' } },
          { name: 'read_note', args: { id: '7', lang: 'en' } },
        ]),
        turn.call('read_doc', { lang: 'en', id: '7' }),
        turn.call('read_note', { lang: 'en', id: '7' }),
        turn.text('done'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [make('read_doc'), make('read_note')],
        plugins: [
          toolResultCache({
            tools: { read_doc: { effect: 'read' }, read_note: { effect: 'read' } },
          }),
        ],
      });
      const { result, error } = await outcome(agent, mode, 'Read.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('done');
      expect(runs.sort()).toEqual(['read_doc', 'read_note']);
      // Each later call got its own tool's result.
      const responseOf = (index: number) =>
        (
          fake.modelRequests[index]?.body as
            | {
                contents: { parts: { functionResponse?: { name: string; response: unknown } }[] }[];
              }
            | undefined
        )?.contents.at(-1)?.parts[0]?.functionResponse;
      expect(responseOf(2)).toMatchObject({ name: 'read_doc', response: { from: 'read_doc' } });
      expect(responseOf(3)).toMatchObject({ name: 'read_note', response: { from: 'read_note' } });
    });
  }
});
