// attack43a: `gemloop eval --batch --timeout-ms N` (runEval mode 'batch', its timeoutMs) gives up
// on a Batch API job that has not finished: every attempt errors with the timeout, and the eval
// is over. The job itself went on running at Google (billed, for up to 48 hours, for answers no
// one reads): nothing cancelled it. createBatchRuns leaves a job on abort on purpose (its state
// can be resumed); runEval keeps no state to resume, so it cancels the job it gave up on.

import { createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createBatches } from '@gemloop/core/http';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { runEval } from './run-eval.ts';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: ({ city }) => ({ city, sky: 'clear' }),
});

describe("runEval({ mode: 'batch' }) past its time limit", () => {
  it('cancels the job it gave up on', { timeout: 30_000 }, async () => {
    // A job that stays PENDING for as long as it is polled.
    const fake = createFakeGemini({
      script: () => turn.text('never read'),
      filesApi: { batchPolls: 1_000_000 },
    });
    try {
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      const result = await runEval({
        mode: 'batch',
        cases: [{ id: 'paris', input: 'Weather in Paris?' }],
        scorers: [],
        live: { gemini },
        batch: { model: 'gemini-2.5-flash', tools: [getWeather], pollIntervalMs: 5 },
        // Short for a test. Under load the limit may meet the create in flight: then the eval
        // ends at once and the job is cancelled in the background once the create answers.
        timeoutMs: 2_000,
      });
      expect(result.attempts[0]).toMatchObject({ status: 'error', error: { kind: 'timeout' } });
      // The fake moves a job along only when it is polled: a list shows it as it was left.
      await expect
        .poll(
          async () =>
            (await createBatches(gemini).list()).operations.map((job) => job.metadata?.state),
          { timeout: 20_000, interval: 100 },
        )
        .toEqual(['BATCH_STATE_CANCELLED']);
    } finally {
      await fake.close();
    }
  });
});
