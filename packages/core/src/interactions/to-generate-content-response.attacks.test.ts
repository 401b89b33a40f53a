// attack58: an Interactions server (or a proxy in front of it) that answers a function call with
// `arguments` that are no JSON object: a string of JSON (as another vendor's API spells them), a
// list. `generateContent` refuses such a body with a typed error; on the Interactions API a
// streamed call whose argument pieces spell no object is re-asked (MALFORMED_FUNCTION_CALL). A
// call read whole (a unary create, a streamed `step.start` without pieces) ran the tool with `{}`:
// a tool whose parameters are all optional then did what the model never asked.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { interactionsApi } from '@gemloop/core/interactions';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const MODEL = 'gemini-3-flash-preview';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A tool any call may run (every parameter optional), recording what it ran with. */
function purgeTool(seen: unknown[]) {
  return defineTool({
    name: 'purge',
    parameters: z.object({ only: z.string().optional() }),
    execute: (args) => {
      seen.push(args);
      return 'purged';
    },
  });
}

/**
 * An agent with the purge tool on the Interactions API (store: false), on a fake whose first
 * answer is a model turn of `parts` and whose second is `answer`.
 */
async function agentAnswering(parts: unknown[], answer: string, seen: unknown[]) {
  const fake = createFakeGemini({
    script: [
      turn.raw({
        candidates: [{ content: { role: 'model', parts: parts as never }, finishReason: 'STOP' }],
      }),
      turn.text(answer),
    ],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  return createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
    model: MODEL,
    tools: [purgeTool(seen)],
    api: interactionsApi({ store: false }),
  });
}

/** The SSE body of a streamed interaction whose one step is `step`, told whole at its start. */
function streamOfOneStep(step: Record<string, unknown>): string {
  const events = [
    { event_type: 'interaction.created', interaction: { id: 'int-1', status: 'in_progress' } },
    { event_type: 'step.start', index: 0, step },
    { event_type: 'step.stop', index: 0 },
    {
      event_type: 'interaction.completed',
      interaction: { id: 'int-1', status: 'requires_action' },
    },
  ];
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
}

describe.each([
  ['a string of JSON', '{"only":"tmp"}'],
  ['a list', ['tmp']],
  ['a number', 7],
])('a function call whose arguments are %s', (_name, args) => {
  it.each(['run', 'stream'] as const)(
    'is re-asked, never run with {} (%s, from the fake)',
    async (mode) => {
      const seen: unknown[] = [];
      const agent = await agentAnswering(
        [{ functionCall: { name: 'purge', args } }],
        'Nothing purged.',
        seen,
      );
      const result =
        mode === 'run' ? await agent.run('Tidy up.') : await agent.stream('Tidy up.').result;
      expect(seen).toEqual([]);
      expect(result.steps[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
      expect(result.steps[0]?.toolCalls).toEqual([]);
      expect(result.text).toBe('Nothing purged.');
    },
  );

  it('is re-asked when a stream tells the call whole at its step.start', async () => {
    const seen: unknown[] = [];
    const fake = createFakeGemini({ script: [turn.text('unused'), turn.text('Nothing purged.')] });
    fakes.push(fake);
    let creates = 0;
    // The first create's stream is the hostile one; the re-asked step goes to the fake.
    const fetch: typeof globalThis.fetch = (input, init) => {
      const target = String(input instanceof Request ? input.url : input);
      if (target.includes('/interactions') && init?.method === 'POST' && creates++ === 0) {
        const body = streamOfOneStep({
          type: 'function_call',
          id: 'c1',
          name: 'purge',
          arguments: args,
        });
        return Promise.resolve(
          new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
        );
      }
      return fake.fetch(input, init);
    };
    const agent = createAgent({
      gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }),
      model: MODEL,
      tools: [purgeTool(seen)],
      api: interactionsApi({ store: false }),
    });
    const result = await agent.stream('Tidy up.').result;
    expect(seen).toEqual([]);
    expect(result.steps[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
  });
});

it('still runs a call with no arguments, or null ones, with {}', async () => {
  const seen: unknown[] = [];
  const agent = await agentAnswering(
    [{ functionCall: { name: 'purge' } }, { functionCall: { name: 'purge', args: null } }],
    'Purged twice.',
    seen,
  );
  const result = await agent.run('Tidy up.');
  expect(seen).toEqual([{}, {}]);
  expect(result.text).toBe('Purged twice.');
});
