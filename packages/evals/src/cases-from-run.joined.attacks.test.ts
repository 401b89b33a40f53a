import { describe, expect, it } from 'vitest';
import { caseFromRunFile } from './cases-from-run.ts';
import { trajectoryFromRunFile } from './diff/run-trajectory.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';

// attack59c: the recorder writes one run per file, but a file can hold two: `cat a.jsonl
// b.jsonl > c.jsonl`, a run's lines pasted into another's, a copy appended by a sync tool. The
// second run-start was read as if it were the first's continuation: `gemloop eval from-runs` wrote
// a case expecting every tool call twice with four recorded answers, `gemloop diff` said a call
// was added and the steps, tokens and cost doubled, and nothing named the file.

const line = (value: unknown): string => JSON.stringify(value);

function run(runId: string): string[] {
  return [
    line({ type: 'run-start', format: 1, runId, input: 'weather?' }),
    line({
      type: 'model-call-start',
      request: { contents: [{ role: 'user', parts: [{ text: 'weather?' }] }] },
    }),
    line({
      type: 'model-call-end',
      response: {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ functionCall: { name: 'get_weather', args: {} } }],
            },
          },
        ],
      },
    }),
    line({
      type: 'tool-call-start',
      stepNumber: 1,
      toolName: 'get_weather',
      args: {},
      toolCallId: 'c1',
    }),
    line({
      type: 'tool-call-end',
      stepNumber: 1,
      toolName: 'get_weather',
      toolCallId: 'c1',
      outcome: 'success',
      output: 18,
    }),
    line({ type: 'step-end', stepNumber: 1 }),
    line({
      type: 'model-call-end',
      response: { candidates: [{ content: { role: 'model', parts: [{ text: '18 °C' }] } }] },
    }),
    line({ type: 'step-end', stepNumber: 2 }),
    line({ type: 'run-end', outcome: 'success', text: '18 °C' }),
  ];
}

function refusal(read: () => unknown): EvalDatasetError {
  try {
    read();
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('a run file holding two runs', () => {
  it.each([
    ['two runs joined', [...run('r1'), ...run('r2')].join('\n'), 10],
    ['the same run twice', [...run('r1'), ...run('r1')].join('\n'), 10],
    [
      'a run-start pasted in the middle',
      [...run('r1').slice(0, 4), run('r2')[0], ...run('r1').slice(4)].join('\n'),
      5,
    ],
  ])('%s: from-runs refuses it, naming the file and the second run-start', (_name, text, at) => {
    const error = refusal(() => caseFromRunFile(text as string, 'runs/r1.jsonl'));
    expect(error).toMatchObject({ source: 'runs/r1.jsonl', line: at });
    expect(error.message).toMatch(/a second run-start/);
  });

  it.each([['two runs joined', [...run('r1'), ...run('r2')].join('\n'), 10]])(
    '%s: the diff refuses it too, naming the line',
    (_name, text, at) => {
      const error = refusal(() => trajectoryFromRunFile(text, 'runs/r1.jsonl'));
      expect(error).toMatchObject({ source: 'runs/r1.jsonl', line: at });
      expect(error.message).toMatch(/a second run-start/);
    },
  );

  it('one run is read as before', () => {
    const text = run('r1').join('\n');
    expect(caseFromRunFile(text, 'r1.jsonl')?.expected).toMatchObject({
      text: '18 °C',
      toolCalls: [{ name: 'get_weather' }],
    });
    expect(trajectoryFromRunFile(text, 'r1.jsonl')).toMatchObject({ steps: 2 });
  });
});
