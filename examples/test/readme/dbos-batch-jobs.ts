// packages/dbos README: batch jobs of days (typechecked only: it needs Postgres).
import { createGemini, defineTool } from '@gemloop/core';
import type { DurableAgentDefinition } from '@gemloop/dbos';
import { z } from 'zod';

const databaseUrl = process.env.DATABASE_URL as string;
const gemini = createGemini();
const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 18 }),
});
const support: DurableAgentDefinition = { gemini, model: 'gemini-2.5-flash', tools: [getWeather] };

// The worker:
import { createDurableBatchRuns, startDurableWorker } from '@gemloop/dbos';

await startDurableWorker({
  databaseUrl,
  agents: { support },
  batchJobs: {
    weather: { gemini, model: 'gemini-2.5-flash', tools: [getWeather], pollIntervalMs: 60_000 },
  },
});
// Anywhere:
const batches = await createDurableBatchRuns({ databaseUrl });
const { jobId } = await batches.start('weather', {
  jobId: 'nightly-2026-11-23',
  inputs: ['Paris?', 'Rome?'],
});
const done = await batches.result(jobId); // the final BatchRunsState: each run's status, text, history, usage
console.log(done.runs.length);
