import { describe, expect, it } from 'vitest';
import type { EvalAttempt, EvalResult } from '../eval-result.ts';
import { formatSummary } from './format-summary.ts';
import { gateFailures } from './gate-failures.ts';
import { summarizeAttempts } from './summarize-attempts.ts';

// The summary a terminal prints and the numbers under it: which lines a run gets (a repeat, a
// replay that was not byte for byte, a costless attempt), the score buckets' edges, the latency
// percentiles, and the gates read from them. (reports.test.ts covers forged lines.)

const attempt = (extra: Partial<EvalAttempt> = {}): EvalAttempt => ({
  caseId: 'c1',
  repeat: 0,
  status: 'pass',
  scores: [],
  text: '',
  totalTokens: 0,
  costUsd: '0',
  latencyMs: 0,
  tags: [],
  ...extra,
});
const result = (attempts: EvalAttempt[]): EvalResult => ({
  format: 'gemloop-eval',
  version: 1,
  name: 'suite',
  mode: 'replay',
  startedAt: '2026-11-25T00:00:00.000Z',
  attempts,
  summary: summarizeAttempts(attempts),
});
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('formatSummary', () => {
  it('numbers a repeat from 2, lists only what did not pass, and says how many costs are unknown', () => {
    const text = formatSummary(
      result([
        attempt({ repeat: 0 }),
        attempt({
          repeat: 2,
          status: 'fail',
          costUsd: null,
          scores: [
            { scorer: 'exact', score: 0, pass: false, reason: 'expected "a"' },
            { scorer: 'regex', score: 1, pass: true, reason: 'matches' },
          ],
        }),
      ]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('suite (replay): 1/2 passed (50.0%), 1 failed, 0 drifted, 0 errored');
    expect(text).toContain('cost $0.000000 (+1 unknown)');
    // The failed scorer's reason only, not the one that passed.
    expect(lines.filter((line) => line.startsWith('  FAIL'))).toEqual([
      '  FAIL c1 #3: exact: expected "a"',
    ]);
    expect(text).not.toContain('PASS c1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('marks a passing replay that served shortened values INEXACT, naming run, call and paths', () => {
    const text = formatSummary(
      result([
        attempt({
          unreproduced: [
            {
              run: 'the top run',
              call: 1,
              omitted: ['candidates[0].content.parts[0].thoughtSignature'],
            },
            { run: 'the subagent run search#1', call: 0, omitted: ['a', 'b'] },
          ],
        }),
      ]),
    );
    expect(text).toContain(
      "  INEXACT c1: the recording shortened what the model sent (the top run call 2: candidates[0].content.parts[0].thoughtSignature; the subagent run search#1 call 1: a, b); record with fidelity: 'full' for an exact replay",
    );
  });

  it('cuts a long reason to one bounded line, never inside an emoji', () => {
    const reason = `${'a'.repeat(280)}${'😀'.repeat(400)}`;
    const text = formatSummary(
      result([
        attempt({ status: 'fail', scores: [{ scorer: 'judge', score: 0, pass: false, reason }] }),
      ]),
    );
    const line = text.split('\n').find((each) => each.startsWith('  FAIL')) ?? '';
    expect(line.length).toBeLessThan(330);
    expect(line).not.toMatch(loneSurrogate);
  });

  it('says an error`s kind and a drift`s reason', () => {
    const text = formatSummary(
      result([
        attempt({
          caseId: 'e',
          status: 'error',
          error: { kind: 'timeout', name: 'TimeoutError', message: 'slow' },
        }),
        attempt({
          caseId: 'd',
          status: 'drift',
          drift: { call: 0, path: '$.tools', reason: 'a tool was added' },
        }),
      ]),
    );
    expect(text).toContain('  ERROR e: timeout: slow');
    expect(text).toContain('  DRIFT d: drift: a tool was added');
  });
});

describe('summarizeAttempts', () => {
  const scored = (...scores: number[]) =>
    scores.map((score, index) =>
      attempt({
        caseId: `c${index}`,
        scores: [{ scorer: 's', score, pass: score >= 0.5, reason: '' }],
      }),
    );

  it('puts each score in its fifth: the lower edge in, the upper out, 1 in the last', () => {
    const summary = summarizeAttempts(scored(0, 0.19, 0.2, 0.39, 0.4, 0.6, 0.79, 0.8, 1));
    expect(summary.scorers[0]?.histogram).toEqual([2, 2, 1, 2, 2]);
  });

  it('keeps a summary per scorer, counting only the attempts it judged', () => {
    const summary = summarizeAttempts([
      ...scored(1, 0),
      attempt({ caseId: 'x', scores: [{ scorer: 'other', score: 0.5, pass: true, reason: '' }] }),
      attempt({ caseId: 'y', status: 'error' }),
    ]);
    expect(
      summary.scorers.map((each) => [each.scorer, each.count, each.passRate, each.mean]),
    ).toEqual([
      ['s', 2, 0.5, 0.5],
      ['other', 1, 1, 0.5],
    ]);
  });

  it('latency percentiles by nearest rank, cost summed over known costs only', () => {
    const latencies = [50, 10, 40, 20, 30, 1000];
    const summary = summarizeAttempts(
      latencies.map((latencyMs, index) =>
        attempt({
          caseId: `c${index}`,
          latencyMs,
          costUsd: index === 0 ? null : '0.25',
          totalTokens: 2,
        }),
      ),
    );
    expect(summary.latencyMs).toEqual({ p50: 30, p95: 1000, max: 1000 });
    expect(summary).toMatchObject({ costUsd: 1.25, unknownCost: 1, totalTokens: 12 });
  });

  it('an empty run: zeros, not NaN (the result file must read back)', () => {
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
});

describe('gateFailures', () => {
  const summary = summarizeAttempts([
    attempt({ caseId: 'a', scores: [{ scorer: 'exact', score: 1, pass: true, reason: '' }] }),
    attempt({
      caseId: 'b',
      status: 'fail',
      scores: [{ scorer: 'exact', score: 0, pass: false, reason: '' }],
    }),
  ]);

  it('by default every attempt must pass', () => {
    expect(gateFailures(summary, {})).toEqual(['pass rate 50.0% is below the gate 100.0%']);
  });

  it('a pass rate exactly at a gate passes it; each scorer gate below is its own sentence', () => {
    expect(gateFailures(summary, { minPass: 0.5 })).toEqual([]);
    expect(gateFailures(summary, { minPass: 0, minPassByScorer: { exact: 0.75 } })).toEqual([
      'exact passes 50.0%, below its gate 75.0%',
    ]);
    expect(gateFailures(summary, { minPass: 0.6, minPassByScorer: { exact: 0.5 } })).toEqual([
      'pass rate 50.0% is below the gate 60.0%',
    ]);
  });

  it('a gate naming a scorer that scored nothing fails the run, naming the scorers that did', () => {
    expect(gateFailures(summary, { minPass: 0, minPassByScorer: { exakt: 0.5 } })).toEqual([
      'minPassByScorer names "exakt", which scored nothing in this run (scorers: "exact"); fix the name or add the scorer to the suite',
    ]);
    const unscored = summarizeAttempts([attempt({ caseId: 'a' })]);
    expect(gateFailures(unscored, { minPassByScorer: { exact: 0 } })).toEqual([
      'minPassByScorer names "exact", which scored nothing in this run (no scorer scored); fix the name or add the scorer to the suite',
    ]);
  });

  it('fails the run on a gate that is no pass rate, which would otherwise let every run pass', () => {
    const allPass = summarizeAttempts([
      attempt({ caseId: 'a', scores: [{ scorer: 'exact', score: 1, pass: true, reason: '' }] }),
    ]);
    for (const [minPass, got] of [
      [Number.NaN, 'NaN'],
      ['0.9', '"0.9"'],
      [90, '90'],
      [-0.1, '-0.1'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
    ] as const) {
      expect(gateFailures(summary, { minPass: minPass as number })).toEqual([
        `minPass must be a pass rate from 0 to 1 (0.9 for 90%); got ${got}, so the gate fails the run`,
      ]);
      expect(gateFailures(allPass, { minPass: minPass as number })).toHaveLength(1);
    }
    expect(gateFailures(allPass, { minPassByScorer: { exact: Number.NaN } })).toEqual([
      'minPassByScorer["exact"] must be a pass rate from 0 to 1 (0.9 for 90%); got NaN, so the gate fails the run',
    ]);
    // The bounds themselves are rates.
    expect(gateFailures(allPass, { minPass: 1, minPassByScorer: { exact: 0 } })).toEqual([]);
  });
});
