import { describe, expect, it } from 'vitest';
import type { EvalAttempt } from '../eval-result.ts';
import { summarizeAttempts } from './summarize-attempts.ts';

// The summary a run's report, its gates and its comparisons read: counts by status, each scorer's
// distribution, tokens, cost (unknown costs counted apart, never as $0) and latency percentiles.

function attempt(overrides: Partial<EvalAttempt> = {}): EvalAttempt {
  return {
    caseId: 'case',
    repeat: 0,
    status: 'pass',
    scores: [],
    text: '',
    totalTokens: 0,
    costUsd: '0',
    latencyMs: 0,
    tags: [],
    ...overrides,
  };
}

const score = (scorer: string, value: number) => ({
  scorer,
  score: value,
  pass: value >= 0.5,
  reason: '',
});

describe('summarizeAttempts', () => {
  it('summarizes no attempt as an empty run, not a division by zero', () => {
    expect(summarizeAttempts([])).toEqual({
      attempts: 0,
      passed: 0,
      failed: 0,
      drifted: 0,
      errored: 0,
      passRate: 0,
      scorers: [],
      totalTokens: 0,
      costUsd: 0,
      unknownCost: 0,
      latencyMs: { p50: 0, p95: 0, max: 0 },
    });
  });

  it('counts each status, and the pass rate over all of them', () => {
    const statuses = ['pass', 'pass', 'fail', 'drift', 'error'] as const;
    const summary = summarizeAttempts(statuses.map((status) => attempt({ status })));
    expect([summary.passed, summary.failed, summary.drifted, summary.errored]).toEqual([
      2, 1, 1, 1,
    ]);
    expect(summary.passRate).toBe(0.4);
  });

  it('puts each score in its fifth of [0, 1], a 1 in the top one', () => {
    const values = [0, 0.19, 0.2, 0.5, 0.79, 0.8, 0.999, 1];
    const summary = summarizeAttempts(
      values.map((value) => attempt({ scores: [score('s', value)] })),
    );
    const [scorer] = summary.scorers;
    expect(scorer?.histogram).toEqual([2, 1, 1, 1, 3]);
    expect(scorer?.count).toBe(8);
    expect([scorer?.min, scorer?.max]).toEqual([0, 1]);
    expect(scorer?.mean).toBeCloseTo(values.reduce((a, b) => a + b) / values.length, 10);
    expect(scorer?.passRate).toBe(5 / 8);
  });

  it('keeps one summary per scorer, in the order they first scored', () => {
    const summary = summarizeAttempts([
      attempt({ scores: [score('judge', 1), score('exact', 0)] }),
      attempt({ scores: [score('exact', 1)] }),
      attempt({ scores: [] }),
    ]);
    expect(summary.scorers.map((item) => [item.scorer, item.count, item.passRate])).toEqual([
      ['judge', 1, 1],
      ['exact', 2, 0.5],
    ]);
  });

  it('takes latency percentiles from the sorted latencies, whatever order the attempts finished in', () => {
    const latencies = [900, 100, 500, 300, 700, 200, 800, 400, 1000, 600];
    const summary = summarizeAttempts(latencies.map((latencyMs) => attempt({ latencyMs })));
    expect(summary.latencyMs).toEqual({ p50: 500, p95: 1000, max: 1000 });
    expect(summarizeAttempts([attempt({ latencyMs: 42 })]).latencyMs).toEqual({
      p50: 42,
      p95: 42,
      max: 42,
    });
  });

  it('sums known costs and counts the unknown ones apart, never as $0', () => {
    const summary = summarizeAttempts([
      attempt({ costUsd: '0.25', totalTokens: 10 }),
      attempt({ costUsd: null, totalTokens: 5 }),
      attempt({ costUsd: '0.5', totalTokens: 1 }),
      attempt({ costUsd: null }),
    ]);
    expect(summary.costUsd).toBe(0.75);
    expect(summary.unknownCost).toBe(2);
    expect(summary.totalTokens).toBe(16);
  });

  it('summarizes a long run of repeats without losing precision in the counts', () => {
    const attempts = Array.from({ length: 50_000 }, (_, index) =>
      attempt({
        status: index % 4 === 0 ? 'fail' : 'pass',
        latencyMs: index,
        scores: [score('s', (index % 5) / 5)],
      }),
    );
    const summary = summarizeAttempts(attempts);
    expect(summary.passRate).toBe(0.75);
    expect(summary.scorers[0]?.histogram).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(summary.latencyMs.max).toBe(49_999);
  });
});
