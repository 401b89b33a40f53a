import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison } from '../compare-results.ts';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import type { EvalAttempt, EvalResult } from '../eval-result.ts';
import { readEvalResult } from './read-eval-result.ts';
import { summarizeAttempts } from './summarize-attempts.ts';

// A result edited by hand (or written by something else) with numbers no eval writes: finite, so
// the type check passed, but `costUsd: "1e308"` in two attempts summed to Infinity and
// `gemloop eval compare` printed `Infinity` and `NaN` as the cost and its change.

const attempt = (caseId: string, costUsd: string | null): EvalAttempt => ({
  caseId,
  repeat: 0,
  status: 'pass',
  scores: [{ scorer: 'exact', score: 1, pass: true, reason: 'same' }],
  text: 'ok',
  totalTokens: 10,
  costUsd,
  latencyMs: 5,
  tags: [],
});
const resultOf = (attempts: EvalAttempt[]): EvalResult => ({
  format: 'gemloop-eval',
  version: 1,
  name: 'suite',
  mode: 'live',
  startedAt: '2026-11-29T00:00:00.000Z',
  attempts,
  summary: summarizeAttempts(attempts),
});
const good = resultOf([attempt('a', '0.000100'), attempt('a', '0.000200')]);
type Copy = { attempts: Record<string, unknown>[]; summary: Record<string, unknown> };
const edited = (edit: (copy: Copy) => void): string => {
  const copy = JSON.parse(JSON.stringify(good)) as Copy;
  edit(copy);
  return JSON.stringify(copy);
};

describe('readEvalResult bounds the numbers it reads', () => {
  it.each<[string, (copy: Copy) => void, string]>([
    [
      'a cost of 1e308',
      (c) => {
        c.attempts[0]!['costUsd'] = '1e308';
      },
      "'attempts[0].costUsd'",
    ],
    [
      'a negative cost',
      (c) => {
        c.attempts[1]!['costUsd'] = '-5';
      },
      "'attempts[1].costUsd'",
    ],
    [
      'a summary cost of 1e308',
      (c) => {
        c.summary['costUsd'] = 1e308;
      },
      "'summary.costUsd'",
    ],
    [
      'a score of 1e308',
      (c) => {
        (c.attempts[0]!['scores'] as Record<string, unknown>[])[0]!['score'] = 1e308;
      },
      "'attempts[0].scores[0].score'",
    ],
    [
      'a negative score',
      (c) => {
        (c.attempts[0]!['scores'] as Record<string, unknown>[])[0]!['score'] = -1;
      },
      "'attempts[0].scores[0].score'",
    ],
    [
      'tokens of 1e300',
      (c) => {
        c.attempts[0]!['totalTokens'] = 1e300;
      },
      "'attempts[0].totalTokens'",
    ],
    [
      'a fractional repeat',
      (c) => {
        c.attempts[0]!['repeat'] = 0.5;
      },
      "'attempts[0].repeat'",
    ],
    [
      'a negative latency',
      (c) => {
        c.attempts[0]!['latencyMs'] = -1;
      },
      "'attempts[0].latencyMs'",
    ],
    [
      'a pass rate of 7',
      (c) => {
        c.summary['passRate'] = 7;
      },
      "'summary.passRate'",
    ],
    [
      'a count of -3',
      (c) => {
        c.summary['attempts'] = -3;
      },
      "'summary.attempts'",
    ],
    [
      'a p95 of 1e308',
      (c) => {
        (c.summary['latencyMs'] as Record<string, unknown>)['p95'] = 1e308;
      },
      "'summary.latencyMs'",
    ],
    [
      'a scorer mean of 2',
      (c) => {
        (c.summary['scorers'] as Record<string, unknown>[])[0]!['mean'] = 2;
      },
      "'summary.scorers[0].mean'",
    ],
  ])('refuses %s, naming the file, the field and the fix', (_, edit, field) => {
    const read = () => readEvalResult(edited(edit), 'edited.json');
    expect(read).toThrow(EvalDatasetError);
    expect(read).toThrow('edited.json');
    expect(read).toThrow(field);
    expect(read).toThrow('give a file written by gemloop eval --json, unchanged');
  });

  it('reads what an eval writes, and compares two of them in finite numbers', () => {
    const a = readEvalResult(JSON.stringify(good), 'a.json');
    const b = readEvalResult(
      JSON.stringify(resultOf([attempt('a', '2500.5'), attempt('a', null)])),
      'b.json',
    );
    const text = formatComparison(compareResults(a, b));
    expect(text).not.toMatch(/Infinity|NaN/);
  });
});
