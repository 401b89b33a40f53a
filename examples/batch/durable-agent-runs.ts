// A batch job of days, durable: the agent runs of examples/batch/agent-runs.ts as one DBOS workflow
// on Postgres (embedded here, or DATABASE_URL). Each step of the job (submit a round, poll it) is
// a recorded step and the job sleeps durably between polls, so a worker that dies mid-job is
// taken over by another, which polls the recorded batch instead of sending the round again.
// (The kill itself is shown in packages/dbos/src/durable/batch/durable-batch-runs.test.ts.)
//
//   node scripts/run-example.mjs batch-durable

import { defineTool } from '@gemloop/core';
import { createDurableBatchRuns, startDurableWorker } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
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

// Offline: call the tool for the city in the prompt, then answer from its result.
const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const city = /Paris|Oslo/.exec(lastUserText ?? '')?.[0] ?? 'Paris';
  const weather = functionResponses.at(-1)?.response;
  if (weather === undefined) return turn.call('get_weather', { city });
  return turn.text(`(scripted) ${city}: ${String(weather['sky'])}.`);
};

await run(
  async ({ gemini, model, offline }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'batch')
      : postgres.url;
    // Every worker of the fleet defines the job; here one worker, in this process.
    const worker = await startDurableWorker({
      databaseUrl,
      agents: {},
      batchJobs: {
        weather: {
          gemini,
          model,
          tools: [getWeather],
          // A real batch takes minutes to hours: poll every minute. The fake answers at once.
          pollIntervalMs: offline ? 100 : 60_000,
        },
      },
      logLevel: 'error',
    });
    const batches = await createDurableBatchRuns({ databaseUrl });
    try {
      // The id is the job's idempotency key: starting it again starts nothing.
      const { jobId } = await batches.start('weather', {
        jobId: 'weather-job-1',
        inputs: ['Weather in Paris?', 'Weather in Oslo?'],
      });
      console.log(`started ${jobId}`);
      const done = await batches.result(jobId);
      console.log(`job done after ${done.round} round(s)`);
      for (const result of done.runs) {
        console.log(
          `${result.key} ${result.status}: ${shownAnswer(result.text ?? String(result.error))}`,
        );
      }
    } finally {
      await batches.close();
      await worker.shutdown();
      await postgres.stop();
    }
  },
  { script },
);
