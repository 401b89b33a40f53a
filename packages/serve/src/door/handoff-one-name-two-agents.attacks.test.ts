import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createFakeGemini, turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createA2AHandler } from '../a2a/create-a2a-handler.ts';
import { createAgUiHandler } from '../ag-ui/create-ag-ui-handler.ts';
import { createMcpServer } from '../mcp/create-mcp-server.ts';
import { createOpenAIHandler } from '../openai/create-openai-handler.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';

// attack54: the door learns the agent answering a streamed run from the `handoff` event's `to`, a
// name, looked up in the door agent's tree. With two different agents under one name (a plain
// `cities` triage hands to itself, an `output` one a router hands to), the run handed to the
// `output` one and the door followed the plain one: Chat Completions streamed the refused answer
// joined with the re-asked JSON, `{"city": 42}{"city":"Paris",…}` (seen before the fix), the
// leftovers66 bug through a name. The door now refuses such a tree when it is made.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';
const MODEL = 'gemini-3-flash-preview';

function tree() {
  const fake = createFakeGemini({
    script: [
      turn.call('transfer_to_router', {}),
      turn.call('transfer_to_cities', {}),
      turn.text('{"city": 42}'),
      turn.text(ANSWER),
    ],
  });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const plainCities = createAgent({ gemini, model: MODEL, name: 'cities' }) as Agent;
  const outputCities = createAgent({ gemini, model: MODEL, name: 'cities', output: City }) as Agent;
  const router = createAgent({
    gemini,
    model: MODEL,
    name: 'router',
    tools: [handoff(outputCities)],
  });
  const triage: Agent = createAgent({
    gemini,
    model: MODEL,
    name: 'triage',
    tools: [handoff(plainCities), handoff(router)],
  });
  return { fake, triage };
}

describe('the OpenAI door, two different agents handed to under one name (attack54)', () => {
  it('every door refuses the tree when it is made, naming the door, the agent and the name', () => {
    const { triage, fake } = tree();
    const authorize = () => 'alice';
    const made: [() => unknown, string, string][] = [
      [
        () => createOpenAIHandler({ agents: { triage }, authorize }),
        'createOpenAIHandler: agents["triage"]',
        'agents',
      ],
      [
        () =>
          createA2AHandler({ agent: triage, card: { name: 'T', description: 'T.' }, authorize }),
        'createA2AHandler',
        'agent',
      ],
      [() => createAgUiHandler({ agent: triage, authorize }), 'createAgUiHandler', 'agent'],
      [
        () => createMcpServer({ agents: { triage } }),
        'createMcpServer: agents["triage"]',
        'agents',
      ],
    ];
    for (const [make, caller, argument] of made) {
      let refused: unknown;
      try {
        make();
      } catch (error) {
        refused = error;
      }
      expect(refused, caller).toBeInstanceOf(InvalidArgumentError);
      expect((refused as InvalidArgumentError).argument).toBe(argument);
      expect(
        (refused as Error).message.startsWith(
          `${caller}: two different agents are handed to under the name "cities".`,
        ),
      ).toBe(true);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('a tree with one agent per name streams the receiver’s JSON only', async () => {
    const { fake } = tree();
    const gemini = createGemini({ apiKey: 'k', retry: false, fetch: fake.fetch });
    const cities = createAgent({ gemini, model: MODEL, name: 'cities', output: City }) as Agent;
    const router = createAgent({ gemini, model: MODEL, name: 'router', tools: [handoff(cities)] });
    const triage: Agent = createAgent({
      gemini,
      model: MODEL,
      name: 'triage',
      tools: [handoff(cities), handoff(router)],
    });
    const handler = createOpenAIHandler({ agents: { triage }, authorize: () => 'alice' });
    const client = new OpenAI({
      apiKey: 'sk-test',
      baseURL: `${await listenForTest(handler)}/v1`,
      maxRetries: 0,
      timeout: 60_000,
    });
    const stream = await client.chat.completions.create({
      model: 'triage',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(ANSWER);
  });
});
