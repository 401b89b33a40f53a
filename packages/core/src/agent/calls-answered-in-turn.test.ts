import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findCallsAnsweredInTurn, hasClientCall } from '../history/find-calls-answered-in-turn.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Part } from '../wire/content.ts';
import type { AgentEvent } from './agent-event.ts';
import { createAgent } from './create-agent.ts';

// The server-side MCP tool (`mcpServers`) answers in one model content: the call, the MCP server's
// response and the answer (recorded on gemini-2.5-flash). The server ran that call; the loop must
// not run it again as an unknown tool, nor call the model once more.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const mcpCall: Part = { functionCall: { name: 'get_forecast', args: { city: 'Paris' } } };
const mcpResponse: Part = {
  functionResponse: {
    name: 'get_forecast',
    response: { content: [{ type: 'text', text: 'sunny, 21 C' }] },
  },
};
const answer: Part = { text: 'Paris is sunny, 21 C.' };

const localTool = defineTool({
  name: 'get_time',
  description: 'The time in a city.',
  parameters: z.object({ city: z.string() }),
  execute: () => '12:00',
});

describe('a model turn whose calls it answered itself (server-side MCP)', () => {
  for (const streaming of [false, true]) {
    it(`ends the run with the answer, runs nothing and calls the model once (${streaming ? 'stream' : 'run'})`, async () => {
      const { fake, gemini } = await serve({
        script: [turn.parts([mcpCall, mcpResponse, answer])],
        ...(streaming ? { chunkSize: 5 } : {}),
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [localTool] });
      const events: AgentEvent[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streaming) {
        const stream = agent.stream('Weather in Paris?');
        for await (const event of stream) events.push(event);
        result = await stream.result;
      } else {
        result = await agent.run('Weather in Paris?');
      }
      expect(fake.requests).toHaveLength(1);
      expect(result.finishReason).toBe('stop');
      expect(result.text).toBe('Paris is sunny, 21 C.');
      expect(events.some((event) => event.type === 'tool-call')).toBe(false);
      expect(result.steps).toHaveLength(1);
      expect(result.steps[0]?.toolCalls ?? []).toEqual([]);
      // The turn is kept verbatim in the history.
      expect(result.newContents.at(-1)?.parts).toEqual([mcpCall, mcpResponse, answer]);
    });
  }
});

describe('findCallsAnsweredInTurn', () => {
  it('pairs a response with an earlier call by id, else by name, one response per call', () => {
    const first: Part = { functionCall: { id: 'a', name: 'f', args: {} } };
    const second: Part = { functionCall: { id: 'b', name: 'f', args: {} } };
    const third: Part = { functionCall: { name: 'g', args: {} } };
    const parts: Part[] = [
      first,
      second,
      third,
      { functionResponse: { id: 'b', name: 'f', response: {} } },
      { functionResponse: { name: 'g', response: {} } },
    ];
    expect(findCallsAnsweredInTurn(parts)).toEqual(new Set([second, third]));
    expect(hasClientCall(parts)).toBe(true);
  });

  it('says a turn of only answered calls has nothing for the client to run', () => {
    expect(hasClientCall([mcpCall, mcpResponse, answer])).toBe(false);
    expect(hasClientCall([mcpCall])).toBe(true);
    expect(findCallsAnsweredInTurn([mcpCall, answer])).toBeUndefined();
  });
});
