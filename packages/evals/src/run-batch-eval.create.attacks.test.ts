// leftovers48 (what attack43a left): a time limit (or the eval's signal) reached while a round's
// Batch API job is being created aborted the create request. The request had reached Google, the
// job was made, and its answer, the job's name, was lost: nothing could cancel the job, which ran
// on, billed, unnoticed. The create now goes on (bounded) once the eval is stopped, and the job it
// names is cancelled. leftovers49: the eval waited for that answer (up to 30 s past its limit);
// it now ends at the stop, and the job is cancelled in the background once the create answers.

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

/**
 * A hang guard: the create's answer is held until the test has seen the eval end (then it lets
 * it go), or until the request is aborted; this long at most.
 */
const HELD_MS = 20_000;

describe("runEval({ mode: 'batch' }) stopped while its job is being created", () => {
  it.each(['its time limit', 'its signal'])(
    'cancels the job once the create answers (%s)',
    { timeout: 30_000 },
    async (stop) => {
      const fake = createFakeGemini({
        script: () => turn.text('never read'),
        filesApi: { batchPolls: 1_000_000 },
      });
      try {
        const { url } = await fake.listen();
        // The create request reaches the server (the job is made) and its answer is slow to
        // come back: held until the test lets it go once the eval has ended, until the request
        // is aborted, or HELD_MS.
        let created!: () => void;
        let letGo!: () => void;
        const heldUntil = new Promise<void>((resolve) => {
          letGo = resolve;
        });
        let answered = false;
        const made = new Promise<void>((resolve) => {
          created = resolve;
        });
        const slowCreate: typeof fetch = async (input, init) => {
          const isCreate =
            init?.method === 'POST' &&
            String(input instanceof Request ? input.url : input).includes(':batchGenerateContent');
          if (!isCreate) return fetch(input, init);
          const { signal, ...rest } = init ?? {};
          const response = await fetch(input, rest);
          created();
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HELD_MS);
            const done = () => {
              clearTimeout(timer);
              resolve();
            };
            void heldUntil.then(done);
            signal?.addEventListener('abort', done);
          });
          signal?.throwIfAborted();
          answered = true;
          return response;
        };
        const gemini = createGemini({
          baseUrl: url,
          apiKey: 'test-key',
          retry: false,
          fetch: slowCreate,
        });
        const controller = new AbortController();
        void made.then(() => {
          if (stop === 'its signal') controller.abort(new Error('stopped by the test'));
        });
        const running = runEval({
          mode: 'batch',
          cases: [{ id: 'paris', input: 'Weather in Paris?' }],
          scorers: [],
          live: { gemini },
          batch: { model: 'gemini-2.5-flash', tools: [getWeather], pollIntervalMs: 5 },
          ...(stop === 'its time limit' ? { timeoutMs: 1_000 } : { signal: controller.signal }),
        });
        if (stop === 'its time limit') {
          const result = await running;
          expect(result.attempts[0]).toMatchObject({ status: 'error', error: { kind: 'timeout' } });
        } else {
          await expect(running).rejects.toThrow('stopped by the test');
        }
        // Ended at the stop, with the create's answer still held.
        expect(answered).toBe(false);
        letGo();
        const batches = createBatches(
          createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
        );
        // Cancelled in the background once the create answers.
        await expect
          .poll(async () => (await batches.list()).operations.map((job) => job.metadata?.state), {
            timeout: 20_000,
            interval: 100,
          })
          .toEqual(['BATCH_STATE_CANCELLED']);
        expect(answered).toBe(true);
      } finally {
        await fake.close();
      }
    },
  );
});
