import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { memoryFake, modelRequests } from './__fixtures__/memory-fake.ts';
import { MAX_MEMORY_TEXT } from './check-memory-input.ts';
import { memoryPlugin } from './memory-plugin.ts';
import { memoryTools } from './memory-tools.ts';

// Attack (attack26): a user's message longer than a memory (a pasted itinerary, a document) is
// the automatic recall's query. recall() refused it as "a memory's text" over 4,000 characters, so
// every run of that message failed with a PluginError: the memory plugin made long messages
// impossible to send. The query is now cut to what recall takes; the `recall` tool's own query
// past it is answered with an error that names `query`.

const MODEL = 'gemini-2.5-flash';
const LONG = `Should I travel to Porto by train? ${'Here is my itinerary for the week. '.repeat(400)}`;

describe('memoryPlugin with a message longer than a memory', () => {
  for (const mode of ['run', 'stream', 'chat'] as const) {
    it(`answers, with the memories the message's opening recalls (${mode})`, async () => {
      expect(LONG.length).toBeGreaterThan(3 * MAX_MEMORY_TEXT);
      const { fake, gemini, memory } = await memoryFake([turn.text('Take the train.')]);
      const train = await memory.remember('ana', 'Ana likes to travel by train.');
      const plugins = [memoryPlugin({ memory, scope: 'ana' })];
      const agent = createAgent({ gemini, model: MODEL });
      let text: string;
      if (mode === 'run') text = (await agent.run(LONG, { plugins })).text;
      else if (mode === 'chat') {
        const chat = createChatSession({ agent, plugins });
        text = (await chat.send(LONG)).text;
      } else {
        const stream = agent.stream(LONG, { plugins });
        for await (const _event of stream);
        text = (await stream.result).text;
      }
      expect(text).toBe('Take the train.');
      const [contents] = modelRequests(fake);
      expect(contents?.[0]?.parts?.[0]?.text).toContain(
        `{"id":"${train.id}","kind":"fact","text":"Ana likes`,
      );
      // The message itself is sent whole: only the query was cut.
      expect(contents?.[1]?.parts?.[0]?.text).toBe(LONG);
      const embedded = fake.requests
        .filter(({ method }) => method === 'embedContent')
        .map(({ body }) => JSON.stringify(body));
      expect(embedded.some((body) => body.includes('Should I travel to Porto'))).toBe(true);
      expect(embedded.every((body) => body.length < 2 * MAX_MEMORY_TEXT)).toBe(true);
    });
  }

  it('answers a recall tool call whose query is too long with an error naming `query`', async () => {
    const { fake, gemini, memory } = await memoryFake([
      turn.call('recall', { query: 'x'.repeat(MAX_MEMORY_TEXT + 1) }),
      turn.text('ok'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [...memoryTools()] });
    const result = await agent.run('What do you know?', {
      plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })],
    });
    expect(result.text).toBe('ok');
    const answered = JSON.stringify(modelRequests(fake)[1]?.at(-1));
    expect(answered).toContain('query');
    expect(answered).toContain(String(MAX_MEMORY_TEXT));
    expect(answered).not.toContain("memory's text");
  });

  it('refuses recall() of a query past the bound with an InvalidArgumentError naming `query`', async () => {
    const { memory } = await memoryFake([]);
    await expect(memory.recall('ana', 'x'.repeat(MAX_MEMORY_TEXT + 1))).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'query',
    });
  });
});
