import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison } from '../compare-results.ts';
import type { EvalAttempt, EvalResult } from '../eval-result.ts';
import { formatSummary } from './format-summary.ts';
import { readEvalResult } from './read-eval-result.ts';
import { summarizeAttempts } from './summarize-attempts.ts';
import { toJunitXml } from './to-junit.ts';

function attempt(
  caseId: string,
  status: EvalAttempt['status'],
  score: number,
  extra: Partial<EvalAttempt> = {},
): EvalAttempt {
  return {
    caseId,
    repeat: 0,
    status,
    scores: [
      {
        scorer: 'exact',
        score,
        pass: score === 1,
        reason: score === 1 ? 'equal' : 'expected "a" & <b>',
      },
    ],
    text: '',
    totalTokens: 10,
    costUsd: '0.001',
    latencyMs: 100,
    tags: [],
    ...extra,
  };
}

function result(name: string, attempts: EvalAttempt[]): EvalResult {
  return {
    format: 'gemloop-eval',
    version: 1,
    name,
    mode: 'replay',
    startedAt: '2026-11-23T00:00:00.000Z',
    attempts,
    summary: summarizeAttempts(attempts),
  };
}

describe('eval reports', () => {
  const a = result('before', [
    attempt('one', 'pass', 1),
    attempt('two', 'fail', 0),
    attempt('three', 'pass', 1),
  ]);
  const b = result('after', [
    attempt('one', 'drift', 1, {
      drift: { call: 0, path: '$.systemInstruction', reason: 'the system prompt changed' },
    }),
    attempt('two', 'pass', 1, { costUsd: '0.003' }),
    attempt('four', 'error', 0, {
      scores: [],
      error: {
        kind: 'rate-limited',
        name: 'ApiCallError',
        message: 'quota\nPASS forged',
        status: 429,
      },
    }),
  ]);

  it('summarizes pass rates, score distributions, tokens, cost and latency', () => {
    expect(b.summary).toMatchObject({
      attempts: 3,
      passed: 1,
      drifted: 1,
      errored: 1,
      totalTokens: 30,
      unknownCost: 0,
    });
    expect(b.summary.costUsd).toBeCloseTo(0.005);
    expect(a.summary.scorers).toEqual([
      {
        scorer: 'exact',
        count: 3,
        passRate: 2 / 3,
        mean: 2 / 3,
        min: 0,
        max: 1,
        histogram: [1, 0, 0, 0, 2],
      },
    ]);
  });

  it('summarizes more scores than a spread argument list can hold', () => {
    const many = Array.from({ length: 200_000 }, (_, index) =>
      attempt(`case-${index}`, 'pass', index === 7 ? 0.25 : 1),
    );
    expect(summarizeAttempts(many).scorers[0]).toMatchObject({ count: 200_000, min: 0.25, max: 1 });
  });

  it('the summary text keeps each case on one line', () => {
    const text = formatSummary(b);
    expect(text).toContain('DRIFT one: drift: the system prompt changed');
    expect(text).toContain('ERROR four: rate-limited: quota PASS forged');
    expect(text.split('\n').filter((line) => line.startsWith('PASS'))).toEqual([]);
  });

  it('the summary and compare texts keep each case on one line whatever control characters it holds', () => {
    // A vertical tab or form feed moves a terminal down a line; ESC [1A ESC [2K moves up and
    // clears it: each could forge a PASS line or hide a failure.
    const forged = 'x\u000bPASS a\u000cPASS b\u001b[1A\u001b[2KPASS c\u0085PASS d';
    const hostile = result('name\u001b[2K', [
      attempt(`case${forged}`, 'fail', 0, {
        scores: [{ scorer: `judge${forged}`, score: 0, pass: false, reason: forged }],
      }),
    ]);
    const texts = [formatSummary(hostile), formatComparison(compareResults(hostile, a))];
    for (const text of texts) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
      expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(texts[0]).toContain('FAIL casex PASS a PASS b [1A [2KPASS c PASS d: judge');
  });

  it('JUnit: lone surrogates (half an emoji) are dropped, whole pairs kept', () => {
    const cut = '😀'.slice(0, 1);
    const xml = toJunitXml(
      result(`run ${cut}`, [attempt(`case ${cut}😀${'😀'.slice(1)}`, 'pass', 1)]),
    );
    expect(xml).toContain('name="case 😀"');
    expect(xml).not.toMatch(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
    );
  });

  it('JUnit: failures for failed scores and drift, errors for errors, XML escaped', () => {
    const xml = toJunitXml(a);
    expect(xml).toContain('<testsuite name="before" tests="3" failures="1" errors="0"');
    expect(xml).toContain('message="FAIL exact 0.00: expected &quot;a&quot; &amp; &lt;b&gt;"');
    const after = toJunitXml(b);
    expect(after).toContain('<failure type="drift" message="drift: the system prompt changed">');
    expect(after).toContain('<error type="rate-limited"');
  });

  it('compare: regressions, improvements, added and removed, with deltas', () => {
    const comparison = compareResults(a, b);
    expect(comparison.cases.map((c) => [c.caseId, c.change])).toEqual([
      ['one', 'regression'],
      ['two', 'improvement'],
      ['three', 'removed'],
      ['four', 'added'],
    ]);
    expect(comparison.cases[1]).toMatchObject({ costA: 0.001, costB: 0.003 });
    expect(formatComparison(comparison)).toContain('1 regression(s), 1 improvement(s)');
  });

  it('readEvalResult refuses another format or version', () => {
    expect(readEvalResult(JSON.stringify(a)).name).toBe('before');
    expect(() => readEvalResult('{"format":"x"}', 'r.json')).toThrow(
      "r.json: not an eval result (no format: 'gemloop-eval')",
    );
    expect(() => readEvalResult(JSON.stringify({ ...a, version: 2 }), 'r.json')).toThrow(
      'eval result version 2, this gemloop reads version 1',
    );
  });

  it('readEvalResult names the field the reports need that is missing or of the wrong type', () => {
    const broken = (edit: (copy: Record<string, unknown>) => void): string => {
      const copy = JSON.parse(JSON.stringify(b)) as Record<string, unknown>;
      edit(copy);
      return JSON.stringify(copy);
    };
    const attempts = (copy: Record<string, unknown>) =>
      copy['attempts'] as Record<string, unknown>[];
    const cases: [string, (copy: Record<string, unknown>) => void][] = [
      ["'attempts[0].scores' must be a list", (copy) => delete attempts(copy)[0]?.['scores']],
      [
        "'attempts[1].scores[0].score' must be a number",
        // What JSON.stringify writes for a NaN score.
        (copy) =>
          ((attempts(copy)[1]?.['scores'] as Record<string, unknown>[])[0] = {
            scorer: 'exact',
            score: null,
            pass: true,
            reason: '',
          }),
      ],
      ["'attempts[2].status' must be", (copy) => (attempts(copy)[2]!['status'] = 'ok')],
      // The summary prints it as it is: a terminal's escape sequence, or a TypeError for an object.
      ["'mode' must be 'replay', 'live' or 'batch'", (copy) => (copy['mode'] = '\u001b[2Jlive')],
      ["'mode' must be 'replay', 'live' or 'batch'", (copy) => delete copy['mode']],
      ["'summary' must be an object", (copy) => delete copy['summary']],
      [
        "'summary.scorers[0].mean' must be a number",
        (copy) =>
          ((copy['summary'] as { scorers: Record<string, unknown>[] }).scorers[0]!['mean'] = null),
      ],
    ];
    for (const [message, edit] of cases) {
      const text = broken(edit);
      expect(() => readEvalResult(text, 'r.json')).toThrow(`r.json: ${message}`);
    }
    // What the reports read is all there in a file runEval wrote.
    const read = readEvalResult(JSON.stringify(b));
    expect(() => [toJunitXml(read), formatSummary(read), compareResults(read, a)]).not.toThrow();
  });
});
