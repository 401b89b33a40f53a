import { describe, expect, it } from 'vitest';
import type { EvalAttempt, EvalResult } from '../eval-result.ts';
import { formatSummary } from './format-summary.ts';
import { MAX_RESULT_CHARS, readEvalResult } from './read-eval-result.ts';
import { summarizeAttempts } from './summarize-attempts.ts';
import { toJunitXml } from './to-junit.ts';

// A result file read back for `gemloop eval compare`, `--junit` and the viewer: a file edited by
// hand, cut, or from elsewhere is refused naming the field, so that no report crashes on it later
// with a TypeError that names nothing. (reports.test.ts covers the scores and the summary.)

const attempts: EvalAttempt[] = [
  {
    caseId: 'e',
    repeat: 0,
    status: 'error',
    scores: [],
    text: '',
    error: { kind: 'threw', name: 'Error', message: 'boom', status: 500 },
    totalTokens: 0,
    costUsd: null,
    latencyMs: 5,
    tags: [],
  },
  {
    caseId: 'd',
    repeat: 0,
    status: 'drift',
    scores: [],
    text: '',
    drift: { call: 1, path: '$.tools', reason: 'a tool was added' },
    unreproduced: [{ run: 'the top run', call: 0, omitted: ['x'] }],
    totalTokens: 3,
    costUsd: '0.000010',
    latencyMs: 7,
    tags: [],
  },
];
const good: EvalResult = {
  format: 'gemloop-eval',
  version: 1,
  name: 'suite',
  mode: 'live',
  startedAt: '2026-11-25T00:00:00.000Z',
  attempts,
  summary: summarizeAttempts(attempts),
};
const edited = (
  edit: (copy: { attempts: Record<string, unknown>[] } & Record<string, unknown>) => void,
) => {
  const copy = JSON.parse(JSON.stringify(good));
  edit(copy);
  return JSON.stringify(copy);
};

describe('readEvalResult', () => {
  it('reads back what runEval writes, and every report reads that', () => {
    const read = readEvalResult(JSON.stringify(good), 'r.json');
    expect(read).toEqual(good);
    expect(() => [toJunitXml(read), formatSummary(read)]).not.toThrow();
  });

  it('reads a result saved again with a byte-order mark and CRLF line ends (attack56b)', () => {
    // Windows PowerShell 5's `Set-Content -Encoding UTF8` and older Notepad write "UTF-8 with
    // BOM"; before, such a file was "not JSON" to `gemloop eval compare`.
    const saved = `\uFEFF${JSON.stringify(good, null, 2).replaceAll('\n', '\r\n')}`;
    expect(readEvalResult(saved, 'r.json')).toEqual(good);
    // Only one mark, only first: a second one, or one after a space, is still not JSON.
    expect(() => readEvalResult(`\uFEFF${saved}`, 'r.json')).toThrow('r.json: not JSON');
    expect(() => readEvalResult(` ${saved}`, 'r.json')).toThrow('r.json: not JSON');
  });

  it('refuses text that is not JSON, or past its bound, without parsing it', () => {
    expect(() => readEvalResult('{"format":', 'r.json')).toThrow(
      'r.json: not JSON; give a file written by gemloop eval --json.',
    );
    expect(() => readEvalResult(' '.repeat(MAX_RESULT_CHARS + 1), 'big.json')).toThrow(
      `big.json: more than ${MAX_RESULT_CHARS} characters; not an eval result.`,
    );
    expect(() => readEvalResult('null', 'r.json')).toThrow(
      "r.json: not an eval result (no format: 'gemloop-eval')",
    );
  });

  const faults: [string, Parameters<typeof edited>[0]][] = [
    ["'name' must be a string", (copy) => (copy['name'] = 5)],
    ["'startedAt' must be a string", (copy) => delete copy['startedAt']],
    ["'attempts' must be a list of attempts", (copy) => (copy['attempts'] = {} as never)],
    ["'attempts[0]' must be an object", (copy) => (copy.attempts[0] = [] as never)],
    ["'attempts[1].caseId' must be a string", (copy) => (copy.attempts[1]!['caseId'] = null)],
    [
      "'attempts[0].latencyMs' must be a number of milliseconds from 0",
      (copy) => (copy.attempts[0]!['latencyMs'] = '5'),
    ],
    [
      "'attempts[1].costUsd' must be a decimal string of US dollars from 0 to 1000000000, or null",
      (copy) => (copy.attempts[1]!['costUsd'] = 'free'),
    ],
    [
      "'attempts[1].costUsd' must be a decimal string of US dollars from 0 to 1000000000, or null",
      (copy) => (copy.attempts[1]!['costUsd'] = 0.1),
    ],
    [
      "'attempts[1].unreproduced' must be a list",
      (copy) => (copy.attempts[1]!['unreproduced'] = 'x'),
    ],
    [
      "'attempts[1].unreproduced[0].omitted' must be a list of strings",
      (copy) =>
        ((copy.attempts[1]!['unreproduced'] as Record<string, unknown>[])[0]!['omitted'] = [1]),
    ],
    [
      "'attempts[1].unreproduced[0].call' must be a whole number from 0",
      (copy) =>
        ((copy.attempts[1]!['unreproduced'] as Record<string, unknown>[])[0]!['call'] = null),
    ],
    // What toJunitXml and formatSummary print of an errored or drifted attempt.
    [
      "'attempts[0].error.message' must be a string",
      (copy) => ((copy.attempts[0]!['error'] as Record<string, unknown>)['message'] = 5),
    ],
    [
      "'attempts[0].error.kind' must be 'threw', 'timeout' or 'rate-limited'",
      (copy) => ((copy.attempts[0]!['error'] as Record<string, unknown>)['kind'] = { x: 1 }),
    ],
    [
      "'attempts[0].error.name' must be a string",
      (copy) => ((copy.attempts[0]!['error'] as Record<string, unknown>)['name'] = null),
    ],
    ["'attempts[0].error' must be an object", (copy) => (copy.attempts[0]!['error'] = 'boom')],
    [
      "'attempts[1].drift.reason' must be a string",
      (copy) => ((copy.attempts[1]!['drift'] as Record<string, unknown>)['reason'] = ['x']),
    ],
    ["'attempts[1].drift' must be an object", (copy) => (copy.attempts[1]!['drift'] = 1)],
    [
      "'summary.latencyMs' must be an object of p50, p95 and max, each a number of milliseconds from 0",
      (copy) => ((copy['summary'] as Record<string, unknown>)['latencyMs'] = { p50: 1, p95: 2 }),
    ],
    [
      "'summary.unknownCost' must be a whole number from 0",
      (copy) => delete (copy['summary'] as Record<string, unknown>)['unknownCost'],
    ],
  ];
  it.each(faults)('names the field: %s', (message, edit) => {
    expect(() => readEvalResult(edited(edit), 'r.json')).toThrow(
      `r.json: ${message}; give a file written by gemloop eval --json, unchanged.`,
    );
  });
});
