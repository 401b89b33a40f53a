import { describe, expect, it } from 'vitest';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { diffRuns } from './diff-runs.ts';
import { trajectoryFromRunFile } from './run-trajectory.ts';

// attack43a: `gemloop diff --fail-on-change` over a run file with a torn line in its middle (two
// writers, an editor, NULs from a disk). trajectoryFromRunFile skipped the line, so a tool call the
// fork made was not in its trajectory: the diff said SAME and the CI gate passed a change
// (caseFromRunFile refuses the same file since leftovers35a; the diff read it silently). Refused
// now with the file and line; a last line without its end (a crash mid-write) is still left out.

const line = (value: unknown): string => JSON.stringify(value);
const start = line({ type: 'run-start', format: 1, runId: 'r1', input: 'refund order 7' });
const lookup = line({
  type: 'tool-call-start',
  stepNumber: 1,
  toolName: 'lookup_order',
  args: { id: 7 },
});
const refund = line({
  type: 'tool-call-start',
  stepNumber: 2,
  toolName: 'refund_order',
  args: { id: 7, amount: 5000 },
});
const end = line({ type: 'run-end', outcome: 'success', text: 'Done.' });

function refusal(text: string): EvalDatasetError {
  try {
    trajectoryFromRunFile(text, 'runs/fork.jsonl');
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('trajectoryFromRunFile: a whole line in the middle that is not a JSON object', () => {
  it('a torn call is refused, not read as a run that made no such call (diff SAME)', () => {
    const original = trajectoryFromRunFile([start, lookup, end].join('\n'), 'runs/a.jsonl');
    // The fork also refunded 5000; its line was torn in the middle of the file.
    const torn = refund.slice(0, 40);
    const text = [start, lookup, torn, end].join('\n');
    let forked: ReturnType<typeof trajectoryFromRunFile> | undefined;
    try {
      forked = trajectoryFromRunFile(text, 'runs/fork.jsonl');
    } catch {}
    // Before: the refund was gone and the two runs were the same.
    expect(forked === undefined ? undefined : diffRuns(original, forked).same).toBeUndefined();
    const error = refusal(text);
    expect(error).toMatchObject({ source: 'runs/fork.jsonl', line: 3 });
    expect(error.message).toMatch(/not a JSON object/);
    expect(error.message).not.toContain('refund');
  });

  it.each([
    ['NULs', '\u0000\u0000'],
    ['a number', '42'],
    ['null', 'null'],
    ['an array', '[1]'],
  ])('refuses %s the same way', (_name, bad) => {
    expect(refusal([start, bad, lookup, end].join('\n'))).toMatchObject({ line: 2 });
  });

  it('a last line without its end (cut by a crash) is left out, the rest read', () => {
    const text = [start, lookup, refund.slice(0, 40)].join('\n');
    expect(trajectoryFromRunFile(text, 'runs/crashed.jsonl').toolCalls).toEqual([
      { step: 1, name: 'lookup_order', args: { id: 7 } },
    ]);
  });

  it('blank lines and a file ending in its line end are read as before', () => {
    const text = `${[start, '', lookup, '   ', end].join('\r\n')}\r\n`;
    expect(trajectoryFromRunFile(text, 'runs/a.jsonl').toolCalls).toHaveLength(1);
  });
});
