import {
  createAgent,
  createGemini,
  defineTool,
  InvalidArgumentError,
  jsonSchema,
} from '@gemloop/core';
import { createBatches } from '@gemloop/core/http';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { runCanary } from './canary/run-canary.ts';
import { runEval } from './run-eval.ts';

// attack43a: an eval stopped mid-run. forkRun, replayRun and traceCase take a `signal`; runEval and
// runCanary took none, so nothing could stop one short of killing the process: a live eval's
// running agents kept calling the model (billed) until each case's time limit, and a batch
// eval's job ran on at Google. runEval({ signal }) now stops starting cases, aborts the running
// ones (their agents' runs and scorers get the abort), cancels its batch job, and rejects with the
// signal's reason.

const INTERRUPTED = new Error('interrupted');

/** A tool that waits until its call is aborted: a case that runs until it is stopped. */
const waits = defineTool({
  name: 'wait',
  description: 'Waits.',
  parameters: jsonSchema<Record<string, never>>({ type: 'object', properties: {} }),
  execute: (_args, { signal }) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
});

describe('runEval({ signal })', () => {
  it('a live eval aborted mid-run: its running agents are aborted, no case is started, it rejects', {
    timeout: 30_000,
  }, async () => {
    const fake = createFakeGemini({ models: 'pattern', script: () => turn.call('wait', {}) });
    try {
      const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
      const controller = new AbortController();
      const toolSignals: AbortSignal[] = [];
      const started: string[] = [];
      const running = runEval({
        mode: 'live',
        live: { gemini },
        signal: controller.signal,
        concurrency: 2,
        // A hang guard: the cases wait until aborted; the attempts' own limit would end them.
        timeoutMs: 20_000,
        cases: Array.from({ length: 6 }, (_, index) => ({ id: `c${index}`, input: 'wait' })),
        scorers: [],
        onEvent: (event) => {
          if (event.type === 'case-start') started.push(event.caseId);
        },
        createAgent: ({ gemini: client }) =>
          createAgent({
            gemini: client,
            model: 'gemini-2.5-flash',
            telemetry: false,
            tools: [
              {
                ...waits,
                execute: (args: never, context: { signal: AbortSignal }) => {
                  toolSignals.push(context.signal);
                  return waits.execute(args, context as never);
                },
              } as typeof waits,
            ],
          }),
      });
      while (toolSignals.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort(INTERRUPTED);
      await expect(running).rejects.toBe(INTERRUPTED);
      expect(toolSignals.every((signal) => signal.aborted)).toBe(true);
      expect(started).toEqual(['c0', 'c1']);
    } finally {
      await fake.close();
    }
  });

  it('an aborted signal runs nothing', async () => {
    const fake = createFakeGemini({ models: 'pattern', script: () => turn.text('hi') });
    try {
      const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
      await expect(
        runEval({
          mode: 'live',
          live: { gemini },
          signal: AbortSignal.abort(INTERRUPTED),
          cases: [{ id: 'c', input: 'hi' }],
          scorers: [],
          createAgent: ({ gemini: client }) =>
            createAgent({ gemini: client, model: 'gemini-2.5-flash', telemetry: false }),
        }),
      ).rejects.toBe(INTERRUPTED);
      expect(fake.modelRequests).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it('a batch eval aborted: its job is cancelled', { timeout: 30_000 }, async () => {
    const fake = createFakeGemini({
      script: () => turn.text('never read'),
      filesApi: { batchPolls: 1_000_000 },
    });
    try {
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      const controller = new AbortController();
      const running = runEval({
        mode: 'batch',
        cases: [{ id: 'paris', input: 'Weather in Paris?' }],
        scorers: [],
        live: { gemini },
        signal: controller.signal,
        batch: {
          model: 'gemini-2.5-flash',
          pollIntervalMs: 5,
          onState: (state) => {
            if (state.pending !== undefined) controller.abort(INTERRUPTED);
          },
        },
      });
      await expect(running).rejects.toBe(INTERRUPTED);
      const jobs = (await createBatches(gemini).list()).operations;
      expect(jobs.map((job) => job.metadata?.state)).toEqual(['BATCH_STATE_CANCELLED']);
    } finally {
      await fake.close();
    }
  });

  it('refuses a signal that is no AbortSignal', async () => {
    await expect(
      runEval({
        cases: [{ id: 'c', input: 'hi' }],
        scorers: [],
        signal: { aborted: false } as never,
        createAgent: () => {
          throw new Error('not reached');
        },
      }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('runCanary takes it too: aborted, it runs nothing', async () => {
    const fake = createFakeGemini({ models: 'pattern', script: () => turn.text('hi') });
    try {
      const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
      await expect(
        runCanary({
          live: { gemini },
          signal: AbortSignal.abort(INTERRUPTED),
          cases: [{ id: 'c', input: 'hi' }],
          from: 'gemini-2.5-flash',
          to: 'gemini-2.5-pro',
          createAgent: ({ gemini: client, model }) =>
            createAgent({ gemini: client, model: model ?? 'gemini-2.5-flash', telemetry: false }),
        }),
      ).rejects.toBe(INTERRUPTED);
      expect(fake.modelRequests).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });
});
