import { createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSignedWeatherRun } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { forkRun } from '../fork/fork-run.ts';
import { diffRuns } from './diff-runs.ts';
import { formatRunDiff } from './format-run-diff.ts';
import {
  type RunTrajectory,
  trajectoryFromResults,
  trajectoryFromRunFile,
} from './run-trajectory.ts';

const fakes: FakeGemini[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function run(
  calls: [string, unknown][],
  text: string | undefined,
  costUsd = '0.001',
): RunTrajectory {
  return {
    toolCalls: calls.map(([name, args], index) => ({ step: index + 1, name, args })),
    text,
    steps: calls.length + 1,
    tokens: { input: 10 * calls.length, output: 5, thinking: 0, total: 10 * calls.length + 5 },
    costUsd,
  };
}

describe('diffRuns', () => {
  it('finds the same run the same', () => {
    const a = run([['search', { q: 'x' }]], 'done');
    const diff = diffRuns(a, structuredClone(a));
    expect(diff.same).toBe(true);
    expect(diff.toolCalls).toMatchObject({
      added: [],
      dropped: [],
      reordered: [],
      drifted: [],
      unchanged: 1,
    });
    expect(formatRunDiff(diff)).toMatch(/^SAME/);
  });

  it('lists calls added, dropped and moved, arguments drifted by JSON path, answers, steps, tokens and dollars', () => {
    const original = run(
      [
        ['lookup', { id: 7 }],
        ['cancel_subscription', { id: 7, reason: 'user asked' }],
        ['notify', { to: 'a@x' }],
        ['audit', {}],
      ],
      'Your subscription is cancelled.',
      '0.0021',
    );
    const fork = run(
      [
        ['audit', {}],
        ['lookup', { id: 8, 'odd key': [1, 2] }],
        ['notify', { to: 'a@x' }],
        ['refund', { amount: 5 }],
      ],
      'Your subscription is cancelled!',
      '0.0005',
    );
    const diff = diffRuns(original, fork);
    expect(diff.same).toBe(false);
    expect(diff.toolCalls.dropped.map((call) => call.name)).toEqual(['cancel_subscription']);
    expect(diff.toolCalls.added.map((call) => call.name)).toEqual(['refund']);
    expect(diff.toolCalls.reordered).toMatchObject([
      { name: 'audit', original: { index: 3 }, fork: { index: 0 }, drift: [] },
    ]);
    expect(diff.toolCalls.drifted).toEqual([
      expect.objectContaining({
        name: 'lookup',
        drift: [
          { path: '$.id', original: 7, fork: 8 },
          { path: '$["odd key"]', original: undefined, fork: [1, 2] },
        ],
      }),
    ]);
    expect(diff.toolCalls.unchanged).toBe(1);
    expect(diff.answer).toEqual({
      original: 'Your subscription is cancelled.',
      fork: 'Your subscription is cancelled!',
      same: false,
    });
    expect(diff.steps).toEqual({ original: 5, fork: 5, delta: 0 });
    expect(diff.costUsd).toEqual({ original: '0.0021', fork: '0.0005', delta: '-0.0016' });
    // Plain JSON: what CI stores and gemloop view reads.
    expect(JSON.parse(JSON.stringify(diff))).toEqual(JSON.parse(JSON.stringify(diff)));
    const text = formatRunDiff(diff);
    expect(text).toContain(
      '  - cancel_subscription({"id":7,"reason":"user asked"}) at step 2 (original only)',
    );
    expect(text).toContain('  + refund({"amount":5}) at step 4 (fork only)');
    expect(text).toContain('  ↕ audit: call #4 → #1');
    expect(text).toContain('      $.id: 7 → 8');
    expect(text).toContain('cost $0.0021 → $0.0005 (-$0.0016)');
  });

  it('prints what the runs hold on one line each, control characters escaped, and an unknown cost as such', () => {
    const diff = diffRuns(
      run([['t\u001b[2Jx', { a: 'line\nbreak' }]], 'a'),
      run([], 'b\u001b[31m', null as unknown as string),
    );
    const text = formatRunDiff(diff);
    expect(text).not.toContain('\u001b');
    expect(
      text
        .split('\n')
        .filter((line) => line.includes('fork only') || line.includes('original only')),
    ).toHaveLength(1);
    expect(diff.costUsd.delta).toBeNull();
    expect(text).toContain('(unknown)');
  });

  it('diffs a fork against its recorded run: the same until the fork, then what changed; no key in the diff', async () => {
    const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
    cleanups.push(recorded.cleanup);
    const made = caseFromRunFile(recorded.text, recorded.file);
    if (made === undefined) throw new Error('no case');
    const original = trajectoryFromRunFile(recorded.text, recorded.file);
    expect(original).toMatchObject({
      toolCalls: [{ step: 1, name: 'get_weather', args: { city: 'Paris' } }],
      text: 'It is 18 °C in Paris.',
      steps: 2,
    });
    expect(original.costUsd).not.toBe('0');

    const whole = await forkRun(made, {
      until: 2,
      continueOn: createGemini({ apiKey: 'unused', fetch: () => Promise.reject(new Error('no')) }),
    });
    expect(diffRuns(original, trajectoryFromResults(whole.replayed, whole.forked)).same).toBe(true);

    const key = 'live-key-QWxhZGRpbjpvcGVu';
    const fake = createFakeGemini({
      script: [turn.call('get_weather', { city: 'Oslo' }), turn.text('Oslo is cold.')],
      signatureValidation: 'off',
    });
    fakes.push(fake);
    const leaky = defineTool({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: jsonSchema<{ city: string }>({
        type: 'object',
        properties: { city: { type: 'string' } },
      }),
      execute: () => {
        throw new Error(`upstream refused key ${key}`);
      },
    });
    const fork = await forkRun(made, {
      until: 1,
      continueOn: createGemini({ apiKey: key, fetch: fake.fetch, retry: false }),
      liveTools: [leaky],
    });
    const diff = diffRuns(original, trajectoryFromResults(fork.replayed, fork.forked));
    expect(diff.toolCalls.added).toMatchObject([
      { name: 'get_weather', args: { city: 'Oslo' }, step: 2 },
    ]);
    expect(diff.answer).toMatchObject({ original: 'It is 18 °C in Paris.', fork: 'Oslo is cold.' });
    expect(diff.steps).toEqual({ original: 2, fork: 3, delta: 1 });
    expect(JSON.stringify(diff)).not.toContain(key);
    expect(formatRunDiff(diff)).not.toContain(key);
  });

  it('reads a run with no step-end lines (a durable run read back) by its model calls, its cost unknown', () => {
    const usage = {
      promptTokenCount: 10,
      candidatesTokenCount: 3,
      thoughtsTokenCount: 2,
      totalTokenCount: 15,
    };
    const text = [
      { type: 'run-start', format: 1, runId: 'r', model: 'gemini-2.5-flash' },
      { type: 'model-call-start', stepNumber: 1, request: {} },
      { type: 'model-call-end', stepNumber: 1, response: { usageMetadata: usage } },
      { type: 'tool-call-start', stepNumber: 1, toolName: 'lookup', args: { id: 1 } },
      { type: 'model-call-end', stepNumber: 2, response: { usageMetadata: usage } },
      { type: 'run-end', outcome: 'success', text: 'done' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    expect(trajectoryFromRunFile(text, 'postgres:r')).toEqual({
      toolCalls: [{ step: 1, name: 'lookup', args: { id: 1 } }],
      text: 'done',
      steps: 2,
      tokens: { input: 20, output: 6, thinking: 4, total: 30 },
      costUsd: null,
    });
  });

  it('reads a run file as untrusted: fields of the wrong type read leniently, a file too large refused', () => {
    // Lines that are not JSON objects are refused with their line number
    // (run-trajectory.torn-line.attacks.test.ts): skipped, they hid a call from the diff.
    const text = [
      '{"type":"tool-call-start","stepNumber":"x","toolName":"t","args":null}',
      '{"type":"step-end","usage":{"totalTokenCount":-5},"cost":{"currency":"EUR"}}',
      '{"type":"run-end","text":7}',
    ].join('\n');
    expect(trajectoryFromRunFile(text, 'f.jsonl')).toEqual({
      toolCalls: [{ step: 0, name: 't', args: {} }],
      text: undefined,
      steps: 1,
      tokens: { input: 0, output: 0, thinking: 0, total: 0 },
      // A step whose cost does not read as dollars makes the run's cost unknown, not $0.
      costUsd: null,
    });
    expect(() => trajectoryFromRunFile('x'.repeat(32 * 1024 * 1024 + 1), 'big.jsonl')).toThrow(
      /more than/,
    );
  });

  it('never gives a wrong cost for a run file whose step costs do not read as dollars', () => {
    const step = (total: unknown) =>
      JSON.stringify({
        type: 'step-end',
        usage: { totalTokenCount: 1 },
        cost: {
          currency: 'USD',
          total,
          input: total,
          cachedInput: '0',
          output: '0',
          thinking: '0',
        },
      });
    const costOf = (...lines: string[]) =>
      trajectoryFromRunFile(lines.join('\n'), 'f.jsonl').costUsd;
    expect(costOf(step('0.1'), step('0.2'))).toBe('0.3');
    for (const lines of [
      [step('abc')],
      [step(5)],
      [step('1e3'), step('0.1')],
      [step('0.1'), step(null)],
      [JSON.stringify({ type: 'step-end' }), step('0.5')],
    ])
      expect(costOf(...lines)).toBeNull();
    // No step at all: nothing was spent.
    expect(costOf(JSON.stringify({ type: 'run-end', text: 'hi' }))).toBe('0');
  });
});
