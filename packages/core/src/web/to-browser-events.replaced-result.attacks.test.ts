import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { handoff } from '../composition/handoff.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// attack54: a plugin's `afterToolCall` that masks a result (`{ result }`) keeps a value from the
// model, and a tool guardrail's replacement alike; the call's record keeps the tool's own value
// (`output`, the app's), and the page's `tool-result` preview was that: the model got
// `"ssn":"[masked]"`, every page got `"ssn":"123-45-6789"` (seen before the fix). A second
// transfer call of one turn, refused, was shown as "Transferred to cities." The preview is now
// what the model got when a hook replaced it (`replaced`); the tool's own value stays in
// a step's `toolCalls`.

const MODEL = 'gemini-2.5-flash';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: () => ({ name: 'Ann', ssn: '123-45-6789' }),
});
const mask = definePlugin({
  name: 'mask-ssn',
  afterToolCall: (call) => ({
    result: JSON.parse(JSON.stringify(call.result).replaceAll(/\d{3}-\d{2}-\d{4}/g, '[masked]')),
  }),
});

async function previews(stream: ReturnType<ReturnType<typeof createAgent>['stream']>) {
  const response = toEventStreamResponse(stream, { runId: 'r' });
  const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
  return events
    .filter((event) => event.event === 'tool-result')
    .map((event) => [event.data.toolName, event.data.preview]);
}

describe('a result a hook replaced, on the page (attack54)', () => {
  it('the page shows the masked result the model got; the app keeps the tool’s own', async () => {
    const gemini = createScriptedGemini([callsTurn(['lookup', { q: 'Ann' }]), textTurn('Done.')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [mask] });
    const stream = agent.stream('Look Ann up.');
    expect(await previews(stream)).toEqual([['lookup', '{"name":"Ann","ssn":"[masked]"}']]);
    const [call] = (await stream.result).steps[0]?.toolCalls ?? [];
    expect(call?.output).toEqual({ name: 'Ann', ssn: '123-45-6789' });
    expect(call?.replaced).toBe(true);
    expect(call?.response.response).toEqual({ name: 'Ann', ssn: '[masked]' });
  });

  it('an unchanged result is shown as the tool returned it, not marked replaced', async () => {
    const gemini = createScriptedGemini([callsTurn(['lookup', { q: 'Ann' }]), textTurn('Done.')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
    const stream = agent.stream('Look Ann up.');
    expect(await previews(stream)).toEqual([['lookup', '{"name":"Ann","ssn":"123-45-6789"}']]);
    expect((await stream.result).steps[0]?.toolCalls[0]?.replaced).toBeUndefined();
  });

  it('a second transfer call of one turn shows its refusal, not "Transferred to"', async () => {
    const cities = createAgent({
      gemini: createScriptedGemini([]),
      model: MODEL,
      name: 'cities',
    });
    const plain = createAgent({
      gemini: createScriptedGemini([textTurn('Plain here.')]),
      model: MODEL,
      name: 'plain',
    });
    const triage = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['transfer_to_plain', {}, 'a'], ['transfer_to_cities', {}, 'b']),
      ]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(plain), handoff(cities)],
    });
    expect(await previews(triage.stream('Capital?'))).toEqual([
      ['transfer_to_plain', '{"output":"Transferred to plain."}'],
      [
        'transfer_to_cities',
        '{"output":"Not transferred to cities: this turn transferred the conversation to plain already."}',
      ],
    ]);
  });
});
