// A durable agent on background interactions: each model call is a background interaction of
// Google's Interactions API (`background: true`), run as a DBOS workflow on Postgres (embedded
// here, or DATABASE_URL). The create is a recorded step (its interaction id kept), each poll a
// recorded step, each pause between polls a durable sleep: a worker that dies while the model
// thinks is taken over by another, which polls the same interaction instead of creating a
// second one. (The kill itself is shown in packages/dbos/src/durable/interactions/durable-interactions.test.ts.)
//
//   node scripts/run-example.mjs interactions-durable

import { defineTool } from '@gemloop/core';
import { interactionsApi } from '@gemloop/core/interactions';
import { createDurableRuns, startDurableWorker } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: city === 'Oslo' ? 'snow' : 'clear' }),
});

// Offline: call the tool for the city in the prompt, then answer from its result.
const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const city = /Paris|Oslo/.exec(lastUserText ?? '')?.[0] ?? 'Paris';
  const weather = functionResponses.at(-1)?.response;
  if (weather === undefined) return turn.call('get_weather', { city });
  return turn.text(`(scripted) ${city}: ${String(weather['sky'])}.`);
};

await run(
  async ({ gemini, model, offline, fake }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'interactions')
      : postgres.url;
    const worker = await startDurableWorker({
      databaseUrl,
      agents: {
        weather: {
          gemini,
          model,
          tools: [getWeather],
          api: interactionsApi({
            // A long decode takes minutes: pause 2 s, growing to 30 s. The fake answers at once.
            background: offline
              ? { pollIntervalMs: 50, maxPollIntervalMs: 100 }
              : { pollIntervalMs: 2_000, maxPollIntervalMs: 30_000 },
          }),
        },
      },
      logLevel: 'error',
    });
    const runs = await createDurableRuns({ databaseUrl });
    try {
      // The id is the run's idempotency key: starting it again starts nothing.
      const { runId } = await runs.start('weather', {
        runId: 'weather-run-1',
        input: 'Weather in Oslo?',
      });
      console.log(`started ${runId}`);
      for await (const { event } of runs.events(runId)) {
        if (event.type === 'tool-result')
          console.log(`tool ${shownText(event.toolCall.toolName)} answered`);
      }
      const result = await runs.result(runId);
      console.log(`answer: ${shownAnswer(result.text)}`);
      if (fake !== undefined) {
        const methods = fake.requests.map((request) => request.method);
        const count = (name: string) => methods.filter((method) => method === name).length;
        console.log(
          `interactions created: ${count('interactions.create')}, polls: ${count('interactions.get')}`,
        );
      }
    } finally {
      await runs.close();
      await worker.shutdown();
      await postgres.stop();
    }
  },
  // Each background interaction stays in progress for two polls.
  { script, fakeOptions: { interactions: { backgroundPolls: 2 } } },
);
