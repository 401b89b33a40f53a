import { describe, expect, it } from 'vitest';
import type { CanaryCase, CanaryModelRuns, CanaryResult } from './canary-result.ts';
import { compareToolCalls } from './compare-tool-calls.ts';
import { formatCanary } from './format-canary.ts';

// The canary's terminal text, each kind of line from a result built by hand: an unjudged case, a
// change within the noise, requirements met and missed, unknown costs, and strings from runs that
// hold control characters. (run-canary.test.ts prints one real canary.)

const runs = (model: string, extra: Partial<CanaryModelRuns> = {}): CanaryModelRuns => ({
  model,
  runs: 10,
  errors: 0,
  trajectories: [{ calls: 'lookup, cancel', count: 10 }],
  meanCostUsd: 0.001,
  meanLatencyMs: 100,
  meanTokens: 50,
  ...extra,
});
const item = (extra: Partial<CanaryCase> = {}): CanaryCase => ({
  caseId: 'cancel',
  status: 'same',
  from: runs('gemini-2.5-flash'),
  to: runs('gemini-3-flash-preview'),
  shift: { fromFlakiness: 0, toFlakiness: 0.2, crossDifference: 0.1, distance: 0.1, pValue: 0.5 },
  costDeltaUsd: 0.0002,
  latencyDeltaMs: -12.4,
  requirements: [],
  ...extra,
});
const result = (cases: CanaryCase[], extra: Partial<CanaryResult> = {}): CanaryResult => ({
  format: 'gemloop-canary',
  version: 1,
  from: 'gemini-2.5-flash',
  to: 'gemini-3-flash-preview',
  k: 10,
  alpha: 0.01,
  requirementAlpha: 0.05,
  cases,
  changed: 0,
  regressions: 0,
  unjudged: 0,
  passed: true,
  costDeltaUsd: 0.0002,
  latencyDeltaMs: -12.4,
  ...extra,
});

describe('formatCanary', () => {
  it('a case judged the same: each model`s mix, its flakiness, shift and p, cost and latency', () => {
    const lines = formatCanary(result([item()])).split('\n');
    expect(lines).toEqual([
      'canary gemini-2.5-flash → gemini-3-flash-preview: 1 case(s), 10 runs each per model',
      '',
      'SAME       cancel',
      '  gemini-2.5-flash: 10 run(s): 10× [lookup, cancel]',
      '  gemini-3-flash-preview: 10 run(s): 10× [lookup, cancel]',
      '  flakiness 0% → 20%, shift 10%, p = 0.5000 (changed below 0.01)',
      '  cost +$0.000200 per run, latency -12 ms',
      '',
      '0 regression(s), 0 changed, 0 unjudged; cost +$0.000200 per run, latency -12 ms',
      'PASSED',
      '',
    ]);
  });

  it('says a most-taken trajectory that differs is within the noise unless the case changed', () => {
    const difference = compareToolCalls(
      [{ name: 'lookup' }, { name: 'cancel' }],
      [{ name: 'lookup' }],
    );
    const same = formatCanary(result([item({ difference })]));
    expect(same).toContain('  most runs: dropped cancel (within the noise)');
    const changed = formatCanary(
      result(
        [item({ status: 'changed', difference, shift: { ...item().shift!, pValue: 0.00001 } })],
        {
          changed: 1,
          passed: false,
        },
      ),
    );
    expect(changed).toContain('  most runs: dropped cancel\n');
    expect(changed).toContain('p < 0.0001');
    expect(changed).toMatch(/\nCHANGED\s+cancel\n/);
    expect(changed.trimEnd().endsWith('FAILED')).toBe(true);
  });

  it('an unjudged case: its errors and why, no statistics', () => {
    const text = formatCanary(
      result(
        [
          item({
            status: 'unjudged',
            shift: undefined,
            to: runs('gemini-3-flash-preview', { runs: 0, errors: 10, trajectories: [] }),
            reason: 'every run of the new model failed',
            costDeltaUsd: null,
          }),
        ],
        { unjudged: 1, passed: false, costDeltaUsd: null },
      ),
    );
    expect(text).toContain('  gemini-3-flash-preview: 0 run(s), 10 error(s)\n');
    expect(text).toContain('  unjudged: every run of the new model failed');
    expect(text).not.toContain('flakiness');
    expect(text).toContain('  cost unknown per run, latency -12 ms');
    expect(text).toContain('0 regression(s), 0 changed, 1 unjudged; cost unknown per run');
  });

  it('each requirement on its line: a tool that must be called, a scorer that must pass', () => {
    const text = formatCanary(
      result(
        [
          item({
            status: 'regression',
            requirements: [
              {
                kind: 'tool',
                name: 'cancel',
                fromMet: 10,
                fromRuns: 10,
                toMet: 3,
                toRuns: 10,
                pValue: 0.0015,
                regression: true,
              },
              {
                kind: 'scorer',
                name: 'exact',
                fromMet: 9,
                fromRuns: 10,
                toMet: 9,
                toRuns: 10,
                pValue: 0.76,
                regression: false,
              },
            ],
          }),
        ],
        { regressions: 1, passed: false },
      ),
    );
    expect(text).toContain('  REGRESSION must call cancel: 10/10 → 3/10 (p = 0.0015)');
    expect(text).toContain('  ok must pass exact: 9/10 → 9/10 (p = 0.7600)');
  });

  it('keeps every string from a run on its line: case ids, models, trajectories, reasons', () => {
    const forged = 'x\nPASSED\u001b[2K\u000b';
    const text = formatCanary(
      result(
        [
          item({
            caseId: `id ${forged}`,
            from: runs(`m ${forged}`, { trajectories: [{ calls: `t ${forged}`, count: 1 }] }),
            status: 'unjudged',
            reason: `why ${forged}`,
          }),
        ],
        { from: `from ${forged}`, passed: false },
      ),
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f]/);
    expect(text.split('\n').filter((line) => line === 'PASSED')).toEqual([]);
  });

  it('rounds latency to whole milliseconds with its sign, and prints a loss of money with a minus', () => {
    const text = formatCanary(
      result([item({ latencyDeltaMs: 0.4, costDeltaUsd: -0.00025 })], { latencyDeltaMs: 250.6 }),
    );
    expect(text).toContain('  cost -$0.000250 per run, latency 0 ms');
    expect(text).toContain('latency +251 ms');
  });
});
