import { cutText } from '@gemloop/core/internal';
import type { EvalAttempt, EvalResult } from './eval-result.ts';
import { oneLine } from './report/one-line.ts';

/** How a case moved from the first eval run to the second. */
export type CaseChange = 'regression' | 'improvement' | 'same' | 'added' | 'removed';

/** One case in both runs: pass rates, mean scores and cost, and the change. */
export type CaseComparison = {
  caseId: string;
  change: CaseChange;
  /** Share of the case's attempts that passed, in a and in b (`undefined` where it is absent). */
  passA: number | undefined;
  passB: number | undefined;
  scoreA: number | undefined;
  scoreB: number | undefined;
  costA: number | undefined;
  costB: number | undefined;
  /** The recorded run each side links to (its `runFile`), if any. */
  runFileA: string | undefined;
  runFileB: string | undefined;
};

/** Two eval runs compared: every case, and the totals' deltas. */
export type EvalComparison = {
  a: string;
  b: string;
  cases: CaseComparison[];
  regressions: number;
  improvements: number;
  passRateDelta: number;
  costDelta: number;
};

/**
 * Compares two eval runs case by case (a prompt or model change): a case whose pass rate fell, or
 * whose mean score fell at an equal pass rate, is a regression; the opposite an improvement.
 */
export function compareResults(a: EvalResult, b: EvalResult): EvalComparison {
  const groupA = group(a.attempts);
  const groupB = group(b.attempts);
  const ids = [...new Set([...groupA.keys(), ...groupB.keys()])];
  const cases = ids.map((caseId): CaseComparison => {
    const sa = stats(groupA.get(caseId));
    const sb = stats(groupB.get(caseId));
    let change: CaseChange = 'same';
    if (sa === undefined) change = 'added';
    else if (sb === undefined) change = 'removed';
    else if (sb.pass < sa.pass || (sb.pass === sa.pass && sb.score < sa.score - 1e-9))
      change = 'regression';
    else if (sb.pass > sa.pass || (sb.pass === sa.pass && sb.score > sa.score + 1e-9))
      change = 'improvement';
    return {
      caseId,
      change,
      passA: sa?.pass,
      passB: sb?.pass,
      scoreA: sa?.score,
      scoreB: sb?.score,
      costA: sa?.cost,
      costB: sb?.cost,
      runFileA: sa?.runFile,
      runFileB: sb?.runFile,
    };
  });
  return {
    a: a.name,
    b: b.name,
    cases,
    regressions: cases.filter((c) => c.change === 'regression').length,
    improvements: cases.filter((c) => c.change === 'improvement').length,
    passRateDelta: b.summary.passRate - a.summary.passRate,
    costDelta: b.summary.costUsd - a.summary.costUsd,
  };
}

/** The comparison as a terminal table, regressions first. */
export function formatComparison(comparison: EvalComparison): string {
  const order: CaseChange[] = ['regression', 'improvement', 'added', 'removed', 'same'];
  const rows = [...comparison.cases].sort(
    (x, y) => order.indexOf(x.change) - order.indexOf(y.change),
  );
  const num = (value: number | undefined, digits = 2): string =>
    value === undefined ? '-' : value.toFixed(digits);
  // A loop, not Math.max(...lengths): spread arguments overflow the stack past about 120,000 cases.
  let width = 4;
  for (const row of rows) width = Math.max(width, Math.min(40, row.caseId.length));
  const lines = [
    `${'case'.padEnd(width)}  ${'change'.padEnd(11)}  pass a→b      score a→b     cost Δ $`,
  ];
  for (const row of rows) {
    const cost =
      row.costA === undefined || row.costB === undefined ? '-' : (row.costB - row.costA).toFixed(6);
    lines.push(
      `${cutText(oneLine(row.caseId), width).padEnd(width)}  ${row.change.padEnd(11)}  ${`${num(row.passA)}→${num(row.passB)}`.padEnd(12)}  ${`${num(row.scoreA)}→${num(row.scoreB)}`.padEnd(12)}  ${cost}`,
    );
  }
  lines.push(
    `${comparison.regressions} regression(s), ${comparison.improvements} improvement(s); pass rate ${signed(comparison.passRateDelta * 100, 1)} points, cost ${signed(comparison.costDelta, 6)} $ (${oneLine(comparison.a)} → ${oneLine(comparison.b)})`,
  );
  return `${lines.join('\n')}\n`;
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function group(attempts: readonly EvalAttempt[]): Map<string, EvalAttempt[]> {
  const map = new Map<string, EvalAttempt[]>();
  for (const attempt of attempts) {
    const list = map.get(attempt.caseId) ?? [];
    list.push(attempt);
    map.set(attempt.caseId, list);
  }
  return map;
}

function stats(
  attempts: EvalAttempt[] | undefined,
): { pass: number; score: number; cost: number; runFile: string | undefined } | undefined {
  if (attempts === undefined || attempts.length === 0) return undefined;
  const scores = attempts.flatMap((attempt) => attempt.scores.map((score) => score.score));
  return {
    pass: attempts.filter((attempt) => attempt.status === 'pass').length / attempts.length,
    score: scores.length === 0 ? 0 : scores.reduce((x, y) => x + y, 0) / scores.length,
    cost:
      attempts.reduce((sum, attempt) => sum + Number(attempt.costUsd ?? 0), 0) / attempts.length,
    runFile: attempts.find((attempt) => attempt.runFile !== undefined)?.runFile,
  };
}
