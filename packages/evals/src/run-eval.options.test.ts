import { createAgent } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from './eval-case.ts';
import { MAX_EVAL_CONCURRENCY, MAX_EVAL_REPEATS, runEval } from './run-eval.ts';
import type { RunEvalOptions } from './run-eval-options.ts';
import { defineScorer } from './scorer.ts';

// runEval's options as a suite file may set them wrong, each refused before any case runs with a
// typed error naming it; and the ones that shape a run: concurrency, the clock, the name, progress.

const cases: EvalCase[] = [{ id: 'a', input: 'Hi' }];
const base: RunEvalOptions = {
  cases,
  scorers: [],
  createAgent: () => {
    throw new Error('no case may run');
  },
};

describe('runEval: options refused', () => {
  const refused: [string, Partial<RunEvalOptions>, string, string][] = [
    [
      'no concurrency',
      { concurrency: 0 },
      'concurrency',
      'runEval: concurrency must be an integer from 1 to 64, got 0.',
    ],
    [
      'too much concurrency',
      { concurrency: MAX_EVAL_CONCURRENCY + 1 },
      'concurrency',
      'from 1 to 64, got 65.',
    ],
    ['a fraction of a worker', { concurrency: 1.5 }, 'concurrency', 'got 1.5.'],
    [
      'too many repeats',
      { repeats: MAX_EVAL_REPEATS + 1 },
      'repeats',
      'runEval: repeats must be an integer from 1 to 100, got 101.',
    ],
    [
      'no time',
      { timeoutMs: 0 },
      'timeoutMs',
      'runEval: timeoutMs must be a positive number of milliseconds, got 0.',
    ],
    ['a time that is not a number', { timeoutMs: Number.NaN }, 'timeoutMs', 'got NaN.'],
    [
      'an unknown mode',
      { mode: 'record' as never },
      'mode',
      "runEval: mode must be 'replay', 'live' or 'batch', got 'record'.",
    ],
    [
      'batch mode without its agent',
      { mode: 'batch' },
      'batch',
      "runEval: mode 'batch' needs batch: { model, instructions, tools }",
    ],
    [
      'no agent factory',
      { createAgent: undefined, mode: 'live' },
      'createAgent',
      "runEval: mode 'live' needs createAgent: (context) => agent.",
    ],
  ];
  it.each(refused)('%s', async (_, options, argument, message) => {
    await expect(runEval({ ...base, ...options })).rejects.toMatchObject({
      code: 'invalid-argument',
      argument,
      message: expect.stringContaining(message),
    });
  });
});

describe('runEval: options that shape a run', () => {
  it('runs at most `concurrency` attempts at once, and every attempt once', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    let inFlight = 0;
    let most = 0;
    const scored: string[] = [];
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      concurrency: 2,
      cases: Array.from({ length: 6 }, (_, index) => ({ id: `c${index}`, input: 'Hi' })),
      scorers: [
        defineScorer('slow', async ({ evalCase }) => {
          inFlight++;
          most = Math.max(most, inFlight);
          // Other attempts get every chance to start meanwhile.
          for (let tick = 0; tick < 5; tick++)
            await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          scored.push(evalCase.id);
          return true;
        }),
      ],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    expect(most).toBeLessThanOrEqual(2);
    expect(scored.sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    // The result lists attempts in case order, whatever order they finished in.
    expect(result.attempts.map((attempt) => attempt.caseId)).toEqual([
      'c0',
      'c1',
      'c2',
      'c3',
      'c4',
      'c5',
    ]);
  });

  it('measures latency on the injected clock, names the run, and reports progress attempt by attempt', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    let clock = 1000;
    const progress: [string, number, number][] = [];
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      name: 'nightly',
      repeats: 2,
      concurrency: 1,
      now: () => {
        clock += 7;
        return clock;
      },
      cases,
      scorers: [],
      onAttempt: (attempt, done, total) =>
        progress.push([`${attempt.caseId}#${attempt.repeat}`, done, total]),
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    expect(result.name).toBe('nightly');
    expect(result.mode).toBe('live');
    expect(result.attempts.map((attempt) => attempt.latencyMs)).toEqual([7, 7]);
    expect(progress).toEqual([
      ['a#0', 1, 2],
      ['a#1', 2, 2],
    ]);
  });

  it('an attempt with no scorer to judge it passes on its run alone; the default name is eval', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases,
      scorers: [defineScorer('skips', () => undefined)],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    expect(result).toMatchObject({ name: 'eval', summary: { passed: 1, scorers: [] } });
    expect(result.attempts[0]).toMatchObject({ status: 'pass', scores: [], text: 'ok' });
  });
});
