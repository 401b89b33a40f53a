import type { EvalAttempt } from '../eval-result.ts';
import { oneLine } from '../report/one-line.ts';

/**
 * An attempt that did not pass as the message of its vitest test (`defineEvalTests`): its case and
 * status, then its drift, its error and each score's reason, one line each. Every text from the
 * run (the case id, a recorded value in the drift, a gateway's error, a scorer's reason quoting
 * the answer) is on its own line with its controls and bidi overrides made spaces, as `gemloop
 * eval`'s summary prints them: vitest prints the message as it is, and an escape sequence in it
 * wrote to the clipboard, cleared the FAIL line, or forged a passing test's line (attack43a).
 * @internal
 */
export function describeAttempt(attempt: EvalAttempt): string {
  const repeat = attempt.repeat > 0 ? ` (attempt ${attempt.repeat + 1})` : '';
  const lines = [`${oneLine(attempt.caseId)}${repeat}: ${attempt.status}`];
  if (attempt.drift !== undefined) {
    lines.push(
      `  drift at model call ${attempt.drift.call}, ${oneLine(attempt.drift.path)}: ${oneLine(attempt.drift.reason)}`,
    );
  }
  if (attempt.error !== undefined) {
    lines.push(
      `  ${attempt.error.kind} error ${oneLine(attempt.error.name)}: ${oneLine(attempt.error.message)}`,
    );
  }
  for (const score of attempt.scores) {
    lines.push(
      `  ${score.pass ? 'pass' : 'FAIL'} ${oneLine(score.scorer)} ${score.score.toFixed(2)}: ${oneLine(score.reason)}`,
    );
  }
  return lines.join('\n');
}

/**
 * The name of a case's vitest test: its id on one line (vitest's reporters print a test's name as
 * it is; see {@link describeAttempt}). An id without controls is its own name, so `vitest -t <id>`
 * still runs it.
 * @internal
 */
export function caseTestName(caseId: string): string {
  return oneLine(caseId);
}
