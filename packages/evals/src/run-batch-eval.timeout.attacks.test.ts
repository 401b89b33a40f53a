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
        // Long enough for the job to be made under any load (a limit hit while the create is in
        // flight leaves no job name to cancel), short for a test.
        timeoutMs: 2_000,
      });
      expect(result.attempts[0]).toMatchObject({ status: 'error', error: { kind: 'timeout' } });
      // The fake moves a job along only when it is polled: this read shows it as it was left.
      const jobs = (await createBatches(gemini).list()).operations;
      expect(jobs).toHaveLength(1);
      expect(jobs[0]?.metadata?.state).toBe('BATCH_STATE_CANCELLED');
    } finally {
      await fake.close();
    }
  });
});
