import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// doors53: a plain agent handing off to one with `output`, asked through the MCP door's
// `ask_<agent>` tool with the SDK's client over Streamable HTTP. The tool's declared
// `outputSchema` is `{ answer: string, sessionId? }` and the result's `structuredContent` conforms
// (modelcontextprotocol.io/specification/2025-06-18/server/tools#output-schema: with an output
// schema, servers MUST provide structured results that conform to it);
// `answer` is the run's answer text, the receiver's validated JSON, as is the text content. Held
// before doors53: the door sends the run's result, never its deltas. Pinned here.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';

describe('the MCP door and a hand-off to an agent with output (doors53)', () => {
  it('answers with the receiver’s JSON once, in the text and in structuredContent.answer', async () => {
    const citiesFake = createFakeGemini({
      script: [turn.text('{"city": 42}'), turn.text(ANSWER), turn.text(ANSWER)],
    });
    const cities = createAgent({
      gemini: createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: citiesFake.fetch }),
      model: 'gemini-3-flash-preview',
      name: 'cities',
      output: City,
    }) as Agent;
    const { httpClient, errors } = await serveMcp(
      [turn.calls([{ name: 'transfer_to_cities' }], { text: 'Let me hand you over.' })],
      { agent: { name: 'triage', model: 'gemini-3-flash-preview', tools: [handoff(cities)] } },
    );
    const { client } = await httpClient();
    const ask = (message: string) =>
      client.callTool({ name: 'ask_support', arguments: { message, sessionId: 's-1' } });
    const first = await ask('Capital of France?');
    expect(first.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(first.structuredContent).toEqual({ answer: ANSWER, sessionId: 's-1' });
    expect(
      JSON.parse(String((first.structuredContent as { answer?: unknown } | undefined)?.answer)),
    ).toEqual({
      city: 'Paris',
      country: 'France',
    });
    // The session is the receiver's now: the next call answers with its JSON straight away.
    const next = await ask('And again?');
    expect(next.structuredContent).toEqual({ answer: ANSWER, sessionId: 's-1' });
    expect(citiesFake.requests).toHaveLength(3);
    expect(errors).toEqual([]);
  });
});
