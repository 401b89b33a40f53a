import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResultCache } from './tool-result-cache.ts';

// Attack (economy68): a session-scoped cache told to keep larger results (`maxEntryBytes: 1 MiB`,
// a document reader whose pages run to 500 KB). The `run` scope made its store with that bound;
// the `session` scope's own store was made with the default 256 KiB, so every such result was
// refused (`refused`, `limit: 262144`, against the option the app gave) and the tool ran again at
// every read of the chat. The plugin's own session store takes the option's bound.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('toolResultCache({ scope: session, maxEntryBytes })', () => {
  for (const streamed of [false, true])
    it(`keeps a 500 KB result under a 1 MiB maxEntryBytes across a chat's sends (${streamed ? 'streamed' : 'unary'})`, async () => {
      const fake = createFakeGemini({
        script: [
          turn.call('read_doc', { id: 'a' }),
          turn.text('Read.'),
          turn.call('read_doc', { id: 'a' }),
          turn.text('Read again.'),
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      let reads = 0;
      const readDoc = defineTool({
        name: 'read_doc',
        description: 'Reads a document.',
        parameters: z.object({ id: z.string() }),
        execute: () => {
          reads++;
          return { text: 'x'.repeat(500_000) };
        },
      });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
        model: 'gemini-2.5-flash',
        tools: [readDoc],
        // The default tool-output cap would cut 500 KB before the model; not what this is about.
        toolOutput: false,
      });
      const chat = createChatSession({
        agent,
        plugins: [
          toolResultCache({
            scope: 'session',
            maxEntryBytes: 1_048_576,
            tools: { read_doc: { effect: 'read' } },
          }),
        ],
      });
      const refused: unknown[] = [];
      for (const message of ['Read a.', 'Read a again.']) {
        if (!streamed) {
          await chat.send(message);
          continue;
        }
        const stream = chat.sendStream(message);
        for await (const event of stream as AsyncIterable<AgentEvent>)
          if (event.type === 'plugin' && event.kind === 'refused')
            refused.push((event as PluginEvent).data);
        await stream.result;
      }
      expect(refused).toEqual([]);
      expect(reads).toBe(1);
      await chat.close();
    });
});
