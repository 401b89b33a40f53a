import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison } from './compare-results.ts';
import type { EvalAttempt, EvalResult } from './eval-result.ts';
import { summarizeAttempts } from './report/summarize-attempts.ts';

// Two eval runs compared case by case, where the verdict is subtle: repeats, a score that moved at
// the same pass rate, attempts without scores or cost, a case id wider than its column.
// (report/reports.test.ts has the main path.)

const attempt = (caseId: string, extra: Partial<EvalAttempt> = {}): EvalAttempt => ({
  caseId,
  repeat: 0,
  status: 'pass',
  scores: [],
  text: '',
  totalTokens: 0,
  costUsd: '0.01',
  latencyMs: 1,
  tags: [],
  ...extra,
});
const result = (name: string, attempts: EvalAttempt[]): EvalResult => ({
  format: 'gemloop-eval',
  version: 1,
  name,
  mode: 'replay',
  startedAt: '2026-11-25T00:00:00.000Z',
  attempts,
  summary: summarizeAttempts(attempts),
});
const score = (value: number) => ({ scorer: 's', score: value, pass: value === 1, reason: '' });

describe('compareResults', () => {
  it('reads a case`s repeats as a pass rate: 2 of 3 down to 1 of 3 is a regression', () => {
    const a = result('a', [
      attempt('c'),
      attempt('c', { repeat: 1 }),
      attempt('c', { repeat: 2, status: 'fail' }),
    ]);
    const b = result('b', [
      attempt('c'),
      attempt('c', { repeat: 1, status: 'fail' }),
      attempt('c', { repeat: 2, status: 'error' }),
    ]);
    const [row] = compareResults(a, b).cases;
    expect(row).toMatchObject({ change: 'regression', passA: 2 / 3, passB: 1 / 3 });
  });

  it('at an equal pass rate the mean score decides; a change within rounding is the same', () => {
    const before = result('a', [
      attempt('c', { status: 'fail', scores: [score(0.6), score(0.2)] }),
    ]);
    const lower = result('b', [attempt('c', { status: 'fail', scores: [score(0.3)] })]);
    const higher = result('b', [attempt('c', { status: 'fail', scores: [score(0.5)] })]);
    const rounding = result('b', [attempt('c', { status: 'fail', scores: [score(0.1 + 0.3)] })]);
    expect(compareResults(before, lower).cases[0]?.change).toBe('regression');
    expect(compareResults(before, higher).cases[0]?.change).toBe('improvement');
    expect(compareResults(before, rounding).cases[0]?.change).toBe('same');
  });

  it('a case without scores counts as score 0; without a cost as 0 dollars', () => {
    const a = result('a', [attempt('c', { costUsd: null })]);
    const b = result('b', [attempt('c', { costUsd: '0.5' })]);
    expect(compareResults(a, b).cases[0]).toMatchObject({
      change: 'same',
      scoreA: 0,
      scoreB: 0,
      costA: 0,
      costB: 0.5,
    });
  });

  it('links each side to the first recorded run its attempts name', () => {
    const a = result('a', [attempt('c'), attempt('c', { repeat: 1, runFile: 'runs/a.jsonl' })]);
    const b = result('b', [attempt('c', { runFile: 'runs/b.jsonl' })]);
    expect(compareResults(a, b).cases[0]).toMatchObject({
      runFileA: 'runs/a.jsonl',
      runFileB: 'runs/b.jsonl',
    });
  });

  it('the deltas are b minus a: pass rate and cost of the whole runs', () => {
    const a = result('a', [attempt('x'), attempt('y', { status: 'fail', costUsd: '0.03' })]);
    const b = result('b', [attempt('x', { costUsd: '0.02' })]);
    const comparison = compareResults(a, b);
    expect(comparison.passRateDelta).toBeCloseTo(0.5);
    expect(comparison.costDelta).toBeCloseTo(-0.02);
    expect(comparison).toMatchObject({ a: 'a', b: 'b', regressions: 0, improvements: 0 });
  });
});

describe('formatComparison', () => {
  it('lists regressions first, then improvements, added, removed and same; a dash where a side is absent', () => {
    const a = result('before', [
      attempt('same'),
      attempt('removed'),
      attempt('better', { status: 'fail' }),
      attempt('worse'),
    ]);
    const b = result('after', [
      attempt('same'),
      attempt('better'),
      attempt('worse', { status: 'fail' }),
      attempt('added'),
    ]);
    const lines = formatComparison(compareResults(a, b)).trimEnd().split('\n');
    expect(lines.slice(1, -1).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['worse', 'regression'],
      ['better', 'improvement'],
      ['added', 'added'],
      ['removed', 'removed'],
      ['same', 'same'],
    ]);
    expect(lines.find((line) => line.startsWith('added'))).toMatch(/-→1\.00\s+-→0\.00\s+-$/);
    expect(lines.at(-1)).toBe(
      '1 regression(s), 1 improvement(s); pass rate +0.0 points, cost +0.000000 $ (before → after)',
    );
  });

  it('cuts a long case id to the column, never inside an emoji', () => {
    const id = `${'c'.repeat(39)}😀-and-more`;
    const text = formatComparison(
      compareResults(result('a', [attempt(id)]), result('b', [attempt(id)])),
    );
    const row = text.split('\n')[1] ?? '';
    expect(row.startsWith('c'.repeat(39))).toBe(true);
    expect(row).not.toMatch(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
    );
  });
});
