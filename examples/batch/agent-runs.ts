// Batch mode: three independent agent runs at half price. Each round of every run is one line of
// one batch job; the tools run here between rounds; the whole job is a JSON state saved after each
// step (to a file here), so a restarted process goes on where it stopped. Offline, the fake moves
// each batch through PENDING, RUNNING and SUCCEEDED on every poll.
//
//   node scripts/run-example.mjs batch

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineTool } from '@gemloop/core';
import { type BatchRunsState, createBatchRuns } from '@gemloop/core/batch';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({
    city,
    sky: city === 'Oslo' ? 'snow' : 'clear',
    celsius: city === 'Oslo' ? -3 : 14,
  }),
});

// Offline: call the tool for a city in the prompt, then answer from its result.
const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const city = /Paris|Oslo|Rome/.exec(lastUserText ?? '')?.[0];
  const weather = functionResponses.at(-1)?.response;
  if (city === undefined) return turn.text('(scripted) No city asked; nothing to look up.');
  if (weather === undefined) return turn.call('get_weather', { city });
  return turn.text(
    `(scripted) ${city}: ${String(weather['sky'])}, ${String(weather['celsius'])} °C.`,
  );
};

await run(
  async ({ gemini, model, offline }) => {
    const saved = join(tmpdir(), 'gemloop-batch-job.json');
    const runs = createBatchRuns({
      gemini,
      model,
      tools: [getWeather],
      instructions: 'Answer in one short sentence.',
      // A real batch takes minutes to hours; the fake answers at once.
      pollIntervalMs: offline ? 0 : 30_000,
    });
    // Resume a job a previous process saved, else start one.
    const state: BatchRunsState = existsSync(saved)
      ? (JSON.parse(readFileSync(saved, 'utf8')) as BatchRunsState)
      : runs.start(['Weather in Paris?', 'Weather in Oslo?', 'Say hello.']);
    const done = await runs.run(state, {
      onState: (next) => {
        writeFileSync(saved, JSON.stringify(next));
        console.log(
          next.pending === undefined
            ? `round ${next.round} collected: ${next.runs.filter((r) => r.status === 'running').length} run(s) still calling tools`
            : `round ${next.round} submitted: ${next.pending.batchName} with ${next.pending.keys.length} line(s)`,
        );
      },
    });
    for (const result of done.runs) {
      console.log(
        `${result.key} ${result.status} after ${result.steps} round(s): ${result.text ?? result.error}`,
      );
    }
    rmSync(saved);
  },
  { script },
);
