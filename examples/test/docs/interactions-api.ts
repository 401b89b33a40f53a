// Guide "The Interactions API" (typechecked only: it needs Google's API).
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createInteractions, interactionsApi } from '@gemloop/core/interactions';
import { z } from 'zod';

const gemini = createGemini({ apiKey: process.env['GEMINI_API_KEY'] });
const getWeather = defineTool({
  name: 'get_weather',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: 'clear' }),
});

// The same agent, one option: each step sends only what is new (previous_interaction_id).
const agent = createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  tools: [getWeather],
  api: interactionsApi(),
});
console.log((await agent.run('Weather in Oslo?')).text);

// Nothing kept on Google's servers: the whole history goes with every step, as on generateContent.
const stateless = createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  api: interactionsApi({ store: false }),
});
console.log((await stateless.run('Hello')).text);

// The API itself: unary, streamed (resumed from the last event_id after a drop), background.
const interactions = createInteractions(gemini);
const first = await interactions.create({ model: 'gemini-3-flash-preview', input: 'Hi' });
const next = await interactions.create({
  model: 'gemini-3-flash-preview',
  input: 'And then?',
  previous_interaction_id: first.id,
});
console.log(next.steps);

for await (const event of interactions.stream(
  { model: 'gemini-3-flash-preview', input: 'Tell a story' },
  {
    maxReconnects: 3,
    onReconnect: ({ lastEventId }) => console.log(`resumed after ${lastEventId}`),
  },
)) {
  const delta =
    event.event_type === 'step.delta' ? (event as { delta: { text?: string } }).delta : undefined;
  if (delta?.text !== undefined) process.stdout.write(delta.text);
}

const research = await interactions.create({
  agent: 'deep-research-pro-preview-12-2025',
  input: 'Tide tables of the Oslofjord',
  background: true,
});
const done = await interactions.wait(research, { pollIntervalMs: 10_000 });
console.log(done.status, done.steps?.length);
// Later, or in another process: the events again, from the start or after a recorded event_id.
for await (const event of interactions.resume(done.id)) console.log(event.event_type);
