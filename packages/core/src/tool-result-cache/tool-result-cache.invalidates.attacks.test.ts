import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResultCache } from './tool-result-cache.ts';

// Attack (economy68): a write tool's `invalidates` written in plain JavaScript (or through `any`)
// as a function giving one prefix or tag as a string, not a list of them: `prefixes: ({ id }) =>
// \`read_doc:doc/${id}\``. A non-list was read as no prefixes: the edit ran, invalidated nothing,
// and the next read was served the text from before the edit. A string is one prefix or tag.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const invalidations: [string, Record<string, unknown>][] = [
  ['prefixes', { prefixes: ({ id }: { id: string }) => `read_doc:doc/${id}` }],
  ['tags', { tags: ({ id }: { id: string }) => `doc:${id}` }],
  ['fixed tags', { tags: 'docs' }],
];

describe('toolResultCache with a write that invalidates by a string', () => {
  for (const [name, invalidates] of invalidations)
    for (const streamed of [false, true])
      it(`(${streamed ? 'streamed' : 'unary'}) ${name} given as a string: the read after the edit gets the new text`, async () => {
        const fake = createFakeGemini({
          script: [
            turn.call('read_doc', { id: 'a' }),
            turn.call('edit_doc', { id: 'a', text: 'Beta' }),
            turn.call('read_doc', { id: 'a' }),
            turn.text('Done.'),
          ],
        });
        fakes.push(fake);
        const { url } = await fake.listen();
        let text = 'Alpha';
        const readDoc = defineTool({
          name: 'read_doc',
          description: 'Reads a document.',
          parameters: z.object({ id: z.string() }),
          execute: () => ({ text }),
        });
        const editDoc = defineTool({
          name: 'edit_doc',
          description: 'Edits a document.',
          parameters: z.object({ id: z.string(), text: z.string() }),
          execute: (input) => {
            text = input.text;
            return { ok: true };
          },
        });
        const agent = createAgent({
          gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
          model: 'gemini-2.5-flash',
          tools: [readDoc, editDoc],
        });
        const plugins = [
          toolResultCache({
            tools: {
              read_doc: {
                effect: 'read',
                cacheKey: ({ id }: { id: string }) => `doc/${id}`,
                tags: ({ id }: { id: string }) => [`doc:${id}`, 'docs'],
              },
              edit_doc: { effect: 'write', invalidates: invalidates as never },
            },
          }),
        ];
        if (streamed) await agent.stream('Go.', { plugins }).result;
        else await agent.run('Go.', { plugins });
        const last = JSON.stringify(fake.requests.at(-1)?.body);
        expect(last).toContain('{"text":"Beta"}');
      });
});
