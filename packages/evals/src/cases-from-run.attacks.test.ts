import { describe, expect, it } from 'vitest';
import { caseFromRunFile } from './cases-from-run.ts';
import { trajectoryFromRunFile } from './diff/run-trajectory.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { parseEvalCases } from './parse-eval-cases.ts';

// Outside attacks on turning run files into cases (attack13): a run file is bytes from a folder
// (edited, corrupt, or written by something else). Every case `caseFromRunFile` returns goes into a
// dataset that `parseEvalCases` loads whole, so a case it would refuse must be refused here, as an
// EvalDatasetError naming the file: written, it made the whole dataset fail to load.

const line = (value: unknown): string => JSON.stringify(value);

function runFile(start: Record<string, unknown>): string {
  return [
    line({ type: 'run-start', format: 1, runId: 'r1', model: 'gemini-2.5-flash', ...start }),
    line({
      type: 'model-call-start',
      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    }),
    line({
      type: 'model-call-end',
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }] },
    }),
    line({ type: 'run-end', outcome: 'success', text: 'ok' }),
  ].join('\n');
}

describe('caseFromRunFile: a run file whose case a dataset would refuse', () => {
  it.each([
    ['an input of numbers', { input: [1, 2] }],
    ['an input of nulls', { input: [null] }],
    ['an input nested 3,000 deep', { input: JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) }],
    ['a model name of 100,000 characters', { input: 'hi', model: 'm'.repeat(100_000) }],
  ])('%s: an EvalDatasetError naming the file, no case', (_label, start) => {
    expect(() => caseFromRunFile(runFile(start), 'runs/r1.jsonl')).toThrow(EvalDatasetError);
    expect(() => caseFromRunFile(runFile(start), 'runs/r1.jsonl')).toThrow(/runs\/r1\.jsonl/);
  });

  it('a good run file still gives a case the dataset loads', () => {
    const evalCase = caseFromRunFile(runFile({ input: 'hi' }), 'runs/r1.jsonl');
    expect(evalCase?.input).toBe('hi');
    expect(parseEvalCases(JSON.stringify(evalCase))).toHaveLength(1);
  });
});

describe('caseFromRunFile and trajectoryFromRunFile: a run file saved by an editor (attack24)', () => {
  const lines = [
    { type: 'run-start', format: 1, runId: 'edited', input: 'Hi' },
    {
      type: 'tool-call-start',
      stepNumber: 1,
      toolName: 'lookup',
      toolCallId: 'c1',
      args: { q: 1 },
    },
    {
      type: 'model-call-end',
      response: { candidates: [{ content: { parts: [{ text: 'Hello' }] } }] },
    },
    { type: 'run-end', outcome: 'success', text: 'Hello' },
  ].map((line) => JSON.stringify(line));

  // RFC 8259 section 8.1: a parser MAY ignore a byte-order mark. Before, the run-start line with
  // one was skipped as not JSON: no case, silently, and `gemloop eval from-runs` wrote fewer.
  it.each([
    ['a byte-order mark', `\uFEFF${lines.join('\n')}`],
    ['a byte-order mark and CRLF line ends', `\uFEFF${lines.join('\r\n')}\r\n`],
  ])('reads a file with %s as the run it is', (_name, text) => {
    expect(caseFromRunFile(text, 'edited.jsonl')).toMatchObject({
      id: 'edited',
      input: 'Hi',
      expected: { text: 'Hello', toolCalls: [{ name: 'lookup', args: { q: 1 } }] },
    });
    expect(trajectoryFromRunFile(text, 'edited.jsonl')).toMatchObject({
      toolCalls: [{ step: 1, name: 'lookup', args: { q: 1 } }],
      text: 'Hello',
    });
  });
});

describe('caseFromRunFile and trajectoryFromRunFile: CR-only and mixed line ends (leftovers33)', () => {
  const lines = [
    { type: 'run-start', format: 1, runId: 'old-mac', input: 'Hi' },
    {
      type: 'tool-call-start',
      stepNumber: 1,
      toolName: 'lookup',
      toolCallId: 'c1',
      args: { q: 1 },
    },
    {
      type: 'model-call-end',
      response: { candidates: [{ content: { parts: [{ text: 'Hello' }] } }] },
    },
    { type: 'run-end', outcome: 'success', text: 'Hello' },
  ].map((line) => JSON.stringify(line));

  // An editor that saves with old Mac line ends (CR alone), or a file edited on two systems
  // (CRLF, LF and CR mixed). JSON escapes a CR inside a string (RFC 8259 section 7), so a raw CR
  // ends a line. Before: the whole file read as one line, not JSON: no case and no trajectory,
  // silently (attack24 noted it).
  it.each([
    ['CR-only line ends', `${lines.join('\r')}\r`],
    ['a byte-order mark and CR-only line ends', `\uFEFF${lines.join('\r')}`],
    ['CRLF, LF and CR mixed', `${lines[0]}\r\n${lines[1]}\n${lines[2]}\r${lines[3]}\r\n`],
  ])('reads a file with %s as the run it is', (_name, text) => {
    expect(caseFromRunFile(text, 'old-mac.jsonl')).toMatchObject({
      id: 'old-mac',
      input: 'Hi',
      expected: { text: 'Hello', toolCalls: [{ name: 'lookup', args: { q: 1 } }] },
    });
    expect(trajectoryFromRunFile(text, 'old-mac.jsonl')).toMatchObject({
      toolCalls: [{ step: 1, name: 'lookup', args: { q: 1 } }],
      text: 'Hello',
    });
  });
});
