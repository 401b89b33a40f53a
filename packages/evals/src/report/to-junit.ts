import type { EvalResult } from '../eval-result.ts';

/**
 * The result as JUnit XML (one `testcase` per attempt, classname the eval's name): a failed score
 * or drift is a `failure`, an error an `error`, each with its reasons, for CI systems' test tabs.
 */
export function toJunitXml(result: EvalResult): string {
  const { summary } = result;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(result.name)}" tests="${summary.attempts}" failures="${summary.failed + summary.drifted}" errors="${summary.errored}">`,
    `  <testsuite name="${xml(result.name)}" tests="${summary.attempts}" failures="${summary.failed + summary.drifted}" errors="${summary.errored}" timestamp="${xml(result.startedAt)}">`,
  ];
  for (const attempt of result.attempts) {
    const name = attempt.repeat === 0 ? attempt.caseId : `${attempt.caseId} #${attempt.repeat + 1}`;
    const open = `    <testcase classname="${xml(result.name)}" name="${xml(name)}" time="${(attempt.latencyMs / 1000).toFixed(3)}"`;
    const scores = attempt.scores
      .map((s) => `${s.pass ? 'pass' : 'FAIL'} ${s.scorer} ${s.score.toFixed(2)}: ${s.reason}`)
      .join('\n');
    if (attempt.status === 'pass') {
      lines.push(`${open}>`, `      <system-out>${xml(scores)}</system-out>`, '    </testcase>');
    } else if (attempt.status === 'error') {
      const error = attempt.error;
      lines.push(
        `${open}>`,
        `      <error type="${xml(error?.kind ?? 'threw')}" message="${xml(error?.message ?? '')}">${xml(`${error?.name ?? ''}: ${error?.message ?? ''}`)}</error>`,
        '    </testcase>',
      );
    } else {
      const message =
        attempt.status === 'drift'
          ? `drift: ${attempt.drift?.reason ?? ''}`
          : scores
              .split('\n')
              .filter((l) => l.startsWith('FAIL'))
              .join('; ');
      lines.push(
        `${open}>`,
        `      <failure type="${attempt.status}" message="${xml(message)}">${xml(attempt.status === 'drift' ? message : scores)}</failure>`,
        '    </testcase>',
      );
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/**
 * Text for XML: the five escapes, and characters XML 1.0 forbids dropped: control characters,
 * U+FFFE and U+FFFF, and lone surrogates (half of a pair, as a string cut in the middle of an emoji
 * leaves), which are no character at all and which a UTF-8 encoder cannot write.
 */
function xml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
