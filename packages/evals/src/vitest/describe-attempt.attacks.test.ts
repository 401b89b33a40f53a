import { describe, expect, it } from 'vitest';
import type { EvalAttempt } from '../eval-result.ts';
import { caseTestName, describeAttempt } from './describe-attempt.ts';

// attack43a: defineEvalTests puts a failed attempt's case id, drift, error and scores' reasons in
// its vitest test's message, and the case id in the test's name, which vitest's reporters print
// as they are. A case id from a dataset made of run files, a model's answer quoted by a scorer, a
// gateway's error and a recorded value in a drift reason are bytes from anywhere: an OSC 52 write
// to the clipboard, a cursor-up-and-clear over the FAIL line above, a forged "✓" line, bidi
// overrides that reorder what the log shows. `gemloop eval`'s summary prints each as one line
// (`oneLine`); the vitest gate printed them raw.

const ESCAPES = '\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[1A\u001b[2K\u009b2J';
const FORGED = `${ESCAPES}\n ✓ greets-alan 3ms\u2028\u202eSSAP`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const attempt: EvalAttempt = {
  caseId: `greets${FORGED}`,
  repeat: 1,
  tags: [],
  status: 'error',
  scores: [
    { scorer: `exact${FORGED}`, score: 0, pass: false, reason: `expected x, got ${FORGED}` },
  ],
  text: '',
  error: { kind: 'threw', name: `Error${FORGED}`, message: `gateway said ${FORGED}` },
  drift: { call: 1, path: `$.contents${FORGED}`, reason: `recorded ${FORGED}` },
  totalTokens: 0,
  costUsd: null,
  latencyMs: 1,
};

describe("defineEvalTests' message and test name attacked by what a run holds", () => {
  it('prints one line per part, without a control character or bidi override', () => {
    const message = describeAttempt(attempt);
    const lines = message.split('\n');
    // The case, the drift, the error, the one score.
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^greets .*: error$/);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(message).toContain('gateway said');
  });

  it("names a case's test on one line, without controls", () => {
    const name = caseTestName(attempt.caseId);
    expect(name).toMatch(/^greets /);
    expect(name).not.toMatch(CONTROL);
    expect(name).not.toContain('\n');
    expect(caseTestName('greets-ada')).toBe('greets-ada');
  });
});
