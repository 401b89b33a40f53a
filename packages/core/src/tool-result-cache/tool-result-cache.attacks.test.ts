import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResultCache } from './tool-result-cache.ts';

// Attack (attack26): a cached read tool returns a value that throws when read (a getter, a Proxy
// whose traps throw, deep inside the result). Without the cache the tool path answers the model
// with an error and the run goes on; with it, the cache's own JSON check read the value first and
// its throw ended the whole run as a PluginError of the cache. The cache must never make a tool's
// result worse than no cache: such a value is not kept (a `skip` event), and the tool path answers
// as it would have.

const KEY = 'AIzaCacheAttack-0123456789abcdef';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const hostile: [string, () => unknown][] = [
  [
    'a getter that throws',
    () => ({
      get found() {
        throw new Error(`getter ${KEY}`);
      },
    }),
  ],
  [
    'a Proxy whose traps throw, one level down',
    () => ({
      found: new Proxy(
        {},
        {
          get() {
            throw new Error(`trap ${KEY}`);
          },
          ownKeys() {
            throw new Error(`trap ${KEY}`);
          },
          getOwnPropertyDescriptor() {
            throw new Error(`trap ${KEY}`);
          },
          getPrototypeOf() {
            throw new Error(`trap ${KEY}`);
          },
        },
      ),
    }),
  ],
];

describe('toolResultCache fed a result that throws when read', () => {
  for (const [name, make] of hostile)
    for (const mode of ['run', 'stream'] as const)
      it(`answers the model as without the cache, and keeps nothing: ${name} (${mode})`, async () => {
        const fake = createFakeGemini({
          script: [turn.call('read', { q: 'a' }), turn.call('read', { q: 'a' }), turn.text('done')],
        });
        fakes.push(fake);
        const { url } = await fake.listen();
        const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
        let runs = 0;
        const read = defineTool({
          name: 'read',
          description: 'Reads.',
          parameters: z.object({ q: z.string() }),
          execute: () => {
            runs++;
            return make() as { found: string };
          },
        });
        const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [read] });
        const plugins = [toolResultCache({ tools: { read: { effect: 'read' } } })];
        const events: AgentEvent[] = [];
        let text: string;
        if (mode === 'run') text = (await agent.run('go', { plugins })).text;
        else {
          const stream = agent.stream('go', { plugins });
          for await (const event of stream) events.push(event as AgentEvent);
          text = (await stream.result).text;
        }
        expect(text).toBe('done');
        // Nothing was cached: the second call ran the tool again.
        expect(runs).toBe(2);
        const last = fake.requests.at(-1)?.body as { contents: { parts: unknown[] }[] };
        const answer = JSON.stringify(last.contents.at(-1));
        expect(answer).toContain('"error"');
        expect(answer).not.toContain(KEY);
        if (mode === 'stream') {
          const skips = events.filter(
            (event): event is PluginEvent => event.type === 'plugin' && event.kind === 'skip',
          );
          expect(skips.map(({ data }) => data)).toEqual([
            { toolName: 'read', reason: 'not-json' },
            { toolName: 'read', reason: 'not-json' },
          ]);
        }
      });
});
