import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResultCache } from './tool-result-cache.ts';

// Attack (economy68): a read tool's `cacheKey` is a function of the parsed arguments, typed over
// `any` so that `({ id }) => id` needs no cast, and the model leaves an optional `id` out. The key
// was `String(cacheKey(input))`: every call without an id was keyed `find:undefined` (an object's
// key `find:[object Object]`), and the second call, asking for something else, was served the
// first one's result. A key that is no string or number keys nothing: the call runs as if not
// cached (a `skip` event, reason `no-key`).

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const keys: [string, (input: { id?: string; q: string }) => unknown][] = [
  ['undefined (an optional field left out)', ({ id }) => id],
  ['an object', ({ q }) => ({ q })],
  ['null', () => null],
];

describe('toolResultCache with a cacheKey that gives no key', () => {
  for (const [name, cacheKey] of keys)
    for (const streamed of [false, true])
      it(`(${streamed ? 'streamed' : 'unary'}) runs two different calls whose cacheKey is ${name}`, async () => {
        const fake = createFakeGemini({
          script: [
            turn.call('find', { q: 'apples' }),
            turn.call('find', { q: 'pears' }),
            turn.text('Done.'),
          ],
        });
        fakes.push(fake);
        const { url } = await fake.listen();
        const asked: string[] = [];
        const find = defineTool({
          name: 'find',
          description: 'Finds.',
          parameters: z.object({ id: z.string().optional(), q: z.string() }),
          execute: ({ q }) => {
            asked.push(q);
            return { found: q };
          },
        });
        const agent = createAgent({
          gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
          model: 'gemini-2.5-flash',
          tools: [find],
        });
        const plugins = [
          toolResultCache({ tools: { find: { effect: 'read', cacheKey: cacheKey as never } } }),
        ];
        const events: AgentEvent[] = [];
        if (streamed) {
          const stream = agent.stream('Go.', { plugins });
          for await (const event of stream) events.push(event as AgentEvent);
          await stream.result;
        } else await agent.run('Go.', { plugins });
        expect(asked).toEqual(['apples', 'pears']);
        // The model got pears for pears.
        const last = JSON.stringify(fake.requests.at(-1)?.body);
        expect(last).toContain('{"found":"pears"}');
        if (streamed)
          expect(
            events
              .filter((e): e is PluginEvent => e.type === 'plugin' && e.kind === 'skip')
              .map(({ data }) => data),
          ).toEqual([
            { toolName: 'find', reason: 'no-key' },
            { toolName: 'find', reason: 'no-key' },
          ]);
      });
});
