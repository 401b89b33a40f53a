import { describe, expect, it } from 'vitest';
import { caseFromRunFile } from './cases-from-run.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { parseEvalCases } from './parse-eval-cases.ts';

/** A successful recorded run (core's recorder format 1), its run id as given. */
function runFile(runId: unknown): string {
  return [
    { type: 'run-start', format: 1, runId, input: 'Hi' },
    {
      type: 'model-call-end',
      response: { candidates: [{ content: { parts: [{ text: 'Hello' }] } }] },
    },
    { type: 'run-end', outcome: 'success', text: 'Hello' },
  ]
    .map((line) => JSON.stringify(line))
    .join('\n');
}

describe('caseFromRunFile', () => {
  it('makes a case whose JSON line parseEvalCases reads back', () => {
    const made = caseFromRunFile(runFile('run-1'), 'run-1.jsonl');
    expect(made).toMatchObject({ id: 'run-1', input: 'Hi', expected: { text: 'Hello' } });
    expect(parseEvalCases(JSON.stringify(made))).toHaveLength(1);
  });

  it('refuses a run id that is not a case id, as parseEvalCases does, naming the file', () => {
    for (const runId of ['', 'x'.repeat(201), 42]) {
      const error = (() => {
        try {
          return caseFromRunFile(runFile(runId), 'odd.jsonl');
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error, String(runId)).toBeInstanceOf(EvalDatasetError);
      expect((error as EvalDatasetError).source).toBe('odd.jsonl');
      expect((error as Error).message).toBe(
        'odd.jsonl: the run id is not a case id: it must be a non-empty string of at most 200 characters.',
      );
    }
    // 200 characters is a case id.
    expect(caseFromRunFile(runFile('x'.repeat(200)), 'long.jsonl')?.id).toHaveLength(200);
  });
});
