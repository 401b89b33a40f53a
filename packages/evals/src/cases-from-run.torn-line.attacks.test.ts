import { describe, expect, it } from 'vitest';
import { caseFromRunFile } from './cases-from-run.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';

// attack29's finding, leftovers35a: a successful run whose file has a whole line in its middle that
// is not a JSON object (torn by two writers, cut by an editor, NULs from a disk) was made into a
// case without that line: a model answer or a tool result missing, silently. Its replay then ran
// out of recorded answers or expected calls the run did not make, and nothing named the file.
// Refused now with the file and line (as `gemloop view` names the line); a last line without its
// line end is a write a crash cut and is still left out, as before.

const line = (value: unknown): string => JSON.stringify(value);
const start = line({ type: 'run-start', format: 1, runId: 'r1', input: 'hi' });
const request = line({
  type: 'model-call-start',
  request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
});
const answer = line({
  type: 'model-call-end',
  response: { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }] },
});
const end = line({ type: 'run-end', outcome: 'success', text: 'ok' });

function refusal(text: string, runFile = 'runs/r1.jsonl'): EvalDatasetError {
  try {
    caseFromRunFile(text, runFile);
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('caseFromRunFile: a line in a successful run that is not a JSON object', () => {
  it.each([
    ['a torn line', '{"type":"model-call-end","response":{"candi'],
    ['a line of NULs', '\u0000\u0000\u0000'],
    ['a number', '42'],
    ['null', 'null'],
    ['an array', '[1, 2]'],
  ])('refuses %s, naming the file and line', (_name, bad) => {
    const error = refusal([start, request, bad, answer, end].join('\n'));
    expect(error).toMatchObject({ source: 'runs/r1.jsonl', line: 3 });
    expect(error.message).toContain('runs/r1.jsonl:3');
    expect(error.message).toMatch(/not a JSON object/);
    // No byte of the line quoted (it may be anything).
    expect(error.message).not.toContain('candi');
  });

  it('still makes the case when only the last line, without its end, is cut', () => {
    const made = caseFromRunFile(
      [start, request, answer, end, '{"type":"tool-call-start","to'].join('\n'),
      'r.jsonl',
    );
    expect(made).toMatchObject({ id: 'r1', expected: { text: 'ok' } });
  });

  it('returns no case for a failed run with such a line, as for any failed run', () => {
    const failed = line({ type: 'run-end', outcome: 'error' });
    expect(caseFromRunFile([start, 'x', answer, failed].join('\n'), 'r.jsonl')).toBeUndefined();
  });

  it("refuses a subagent run's torn line (the tree's replay would miss its answer)", () => {
    const child = [
      line({ type: 'run-start', format: 1, runId: 'c1', parentRunId: 'r1', path: ['helper#1'] }),
      '{"torn',
      answer,
      end,
    ].join('\n');
    const error = (() => {
      try {
        caseFromRunFile([start, request, answer, end].join('\n'), 'r.jsonl', {
          subagentRuns: [{ text: child, runFile: 'runs/c1.jsonl' }],
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ source: 'runs/c1.jsonl', line: 2 });
  });
});
