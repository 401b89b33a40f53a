// The Interactions API: the same agent with one option (`api: interactionsApi()`), each step sending
// only what is new while the server keeps the conversation, then Google's Deep Research agent run
// in the background and polled, and its events replayed by stream. Offline, the fake serves
// /v1beta/interactions from the same script and plays a scripted Deep Research agent.
//
//   node scripts/run-example.mjs interactions

import { createAgent, defineTool } from '@gemloop/core';
import { createInteractions, interactionsApi } from '@gemloop/core/interactions';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: city === 'Oslo' ? 'snow' : 'clear' }),
});

const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const weather = functionResponses.at(-1)?.response;
  if (/weather/i.test(lastUserText ?? '') && weather === undefined) {
    return turn.call('get_weather', { city: 'Oslo' });
  }
  if (weather !== undefined) return turn.text(`(scripted) Oslo: ${String(weather['sky'])}.`);
  return turn.text(`(scripted) A report on ${lastUserText ?? 'nothing'}.`);
};

await run(
  async ({ gemini, model, offline, fake }) => {
    const agent = createAgent({ gemini, model, tools: [getWeather], api: interactionsApi() });
    const result = await agent.run('What is the weather in Oslo?');
    console.log(`agent: ${shownAnswer(result.text)} (${result.steps.length} steps)`);
    if (fake !== undefined) {
      const sent = fake.requests.filter((request) => request.method === 'interactions.create');
      for (const [index, request] of sent.entries()) {
        const body = request.body as {
          input?: Array<{ type: string }>;
          previous_interaction_id?: string;
        };
        console.log(
          `step ${index + 1} sent ${(body.input ?? []).map((step) => step.type).join(', ')}` +
            (body.previous_interaction_id === undefined ? '' : ' after the previous interaction'),
        );
      }
    }

    const interactions = createInteractions(gemini);
    const research = await interactions.create({
      agent: 'deep-research-pro-preview-12-2025',
      input: 'tide tables of the Oslofjord',
      background: true,
    });
    console.log(`research ${research.status}`);
    const done = await interactions.wait(research, {
      pollIntervalMs: offline ? 0 : 10_000,
      onPoll: (value) => console.log(`poll: ${(value as { status: string }).status}`),
    });
    console.log(`research ${done.status}: ${done.steps?.map((step) => step.type).join(' > ')}`);
    let report = '';
    for await (const event of interactions.resume(done.id)) {
      if (event.event_type === 'step.delta')
        report += (event as { delta: { text?: string } }).delta.text ?? '';
    }
    console.log(`report: ${report}`);
  },
  { script },
);
