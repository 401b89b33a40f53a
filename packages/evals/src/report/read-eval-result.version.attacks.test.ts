import { hasUnprintable } from '@gemloop/core/internal';
import { describe, expect, it } from 'vitest';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { readEvalResult } from './read-eval-result.ts';

// evals68: a baseline result edited by hand (or written by something else) with a `version` no
// eval writes was quoted whole into the refusal: a version of 5 MB made a 5 MB message (every
// log line and terminal that printed it held it), and one holding an escape sequence or a line
// break reached the terminal as written (it cleared the screen, forged a line of its own).

function refusal(version: unknown): EvalDatasetError {
  try {
    readEvalResult(JSON.stringify({ format: 'gemloop-eval', version }), 'baseline.json');
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('a result of another version, as its refusal shows it', () => {
  it('a version of 5 MB is quoted cut, saying how much was left out', () => {
    const error = refusal('9'.repeat(5_000_000));
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toMatch(
      /eval result version 9{40}… \[4999960 characters omitted\], this gemloop/,
    );
  });

  it('a version with escape sequences and line breaks is shown escaped', () => {
    const error = refusal('\u001b[2J\u001b]0;pwn\u0007\nPASS all');
    expect(hasUnprintable(error.message)).toBe(false);
    expect(error.message).toContain(
      'eval result version \\u001b[2J\\u001b]0;pwn\\u0007\\u000aPASS all,',
    );
  });

  it('an older numeric version still reads as the number, with the fix', () => {
    expect(refusal(0).message).toBe(
      'baseline.json: eval result version 0, this gemloop reads version 1; run the eval again with this version.',
    );
    expect(refusal(undefined).message).toContain('eval result version undefined,');
  });

  it('a version that is a list of a million numbers is named as a list, not printed', () => {
    const error = refusal(Array.from({ length: 1_000_000 }, () => 7));
    expect(error.message).toContain('eval result version of a list,');
    expect(error.message.length).toBeLessThan(500);
  });
});
