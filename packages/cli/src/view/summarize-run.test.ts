import { describe, expect, it } from 'vitest';
import * as pageQuestion from '../../assets/viewer/question.js';
import { runOutcome } from '../../assets/viewer/run-outcome.js';
import { firstUserText, MAX_PREVIEW_CHARS, summarizeRun } from './summarize-run.ts';

const start = { type: 'run-start', format: 1, runId: 'r', model: 'gemini-2.5-flash', at: 1000 };

describe('summarizeRun', () => {
  it("reads a subagent run's parent run and call, leniently and bounded", () => {
    const row = summarizeRun(
      'id',
      {
        ...start,
        path: ['search#1', 42, 'x'.repeat(600), ...Array(40).fill('deep')],
        parentRunId: 'p',
        parentStepNumber: 2,
        parentToolCallId: 'c1',
        parentCallIndex: '1',
      },
      [],
      false,
    );
    expect(row.parent).toEqual({
      runId: 'p',
      stepNumber: 2,
      toolCallId: 'c1',
      // Not a number: unknown, never trusted.
      callIndex: undefined,
    });
    expect(row.path).toHaveLength(32);
    expect(row.path.slice(0, 2)).toEqual(['search#1', '?']);
    expect(row.path[2]).toHaveLength(501);
    // A top run (or one whose parent is not a string) has none.
    expect(summarizeRun('id', start, [], false)).toMatchObject({ parent: undefined, path: [] });
    expect(summarizeRun('id', { ...start, parentRunId: 7 }, [], false).parent).toBeUndefined();
  });

  it("shows the run's question and the start of its answer, bounded and on one line", () => {
    const answer = `The answer\nis ${'long '.repeat(200)}`;
    const row = summarizeRun(
      'id',
      { ...start, input: 'What is the weather\n in Paris?' },
      [{ type: 'run-end', outcome: 'success', text: answer, at: 1100 }],
      false,
    );
    expect(row.question).toBe('What is the weather in Paris?');
    expect(row.answer?.startsWith('The answer is long long')).toBe(true);
    expect(row.answer).toHaveLength(MAX_PREVIEW_CHARS + 1);
    expect(row.answer?.endsWith('…')).toBe(true);
  });

  it('finds the first user text in every input shape AgentInput allows, and none in odd ones', () => {
    expect(firstUserText([{ text: 'from parts' }, { inlineData: {} }])).toBe('from parts');
    expect(
      firstUserText([
        { role: 'model', parts: [{ text: 'not this' }] },
        { role: 'user', parts: [{ text: 'thinking', thought: true }, { text: 'from contents' }] },
      ]),
    ).toBe('from contents');
    expect(firstUserText([{ contents: [{ role: 'user', parts: [{ text: 'from turns' }] }] }])).toBe(
      'from turns',
    );
    for (const odd of [undefined, 42, { text: 'x' }, [null, 'x', { parts: 'x' }], []])
      expect(firstUserText(odd)).toBeUndefined();
  });

  it("reads the question with the run page's own module, so the list and the page agree", () => {
    // One function, not a copy: a fix to the page's reader is the list's fix too.
    expect(firstUserText).toBe(pageQuestion.firstUserText);
    const input = [{ role: 'user', parts: [{ text: 'one' }, { text: 'two', thought: true }] }];
    expect(summarizeRun('id', { ...start, input }, [], false).question).toBe('one');
  });

  it('marks an aborted run as aborted with its reason, not as an error named after it', () => {
    const row = summarizeRun(
      'id',
      start,
      [
        {
          type: 'run-end',
          outcome: 'error',
          error: {
            name: 'AgentAbortedError',
            message: 'The agent run was aborted…',
            reason: 'user left',
          },
          at: 1100,
        },
      ],
      false,
    );
    expect([row.outcome, row.error]).toEqual(['aborted', 'user left']);
    const failed = summarizeRun(
      'id',
      start,
      [{ type: 'run-end', outcome: 'error', error: { name: 'ModelCallError', message: 'boom' } }],
      false,
    );
    expect([failed.outcome, failed.error]).toEqual(['error', 'ModelCallError: boom']);
  });

  it("shows a failed run's gemloop code beside its class, on one line and bounded (errors43)", () => {
    const start = { type: 'run-start', runId: 'r', model: 'm', at: 1 };
    const failed = (error: unknown) =>
      summarizeRun('id', start, [{ type: 'run-end', outcome: 'error', error }], false).error;
    expect(failed({ name: 'PluginError', code: 'plugin', message: 'audit down' })).toBe(
      'PluginError (plugin): audit down',
    );
    expect(failed({ name: 'E', code: `a\n${'c'.repeat(500)}`, message: 'm' })).toBe(
      `E (a ${'c'.repeat(98)}): m`,
    );
    // A file from before the code was recorded, or a code that is no text.
    expect(failed({ name: 'ModelCallError', message: 'boom' })).toBe('ModelCallError: boom');
    expect(failed({ name: 'E', code: { a: 1 }, message: 'm' })).toBe('E: m');
    // The run page's header and closing block say the same (run-outcome.js).
    const shown = (error: unknown) =>
      runOutcome({ end: { outcome: 'error', error }, notes: [] }).detail;
    expect(shown({ name: 'PluginError', code: 'plugin', message: 'audit down' })).toBe(
      'PluginError (plugin): audit down',
    );
    expect(shown({ name: 'ModelCallError', message: 'boom' })).toBe('ModelCallError: boom');
    expect(shown({ name: 'E', code: { a: 1 }, message: 'm' })).toBe('E: m');
  });

  it('counts the tokens of a live run from its model calls before their steps end', () => {
    const call = (stepNumber: number, total: number) => ({
      type: 'model-call-end',
      stepNumber,
      response: { usageMetadata: { totalTokenCount: total } },
    });
    const lines = [
      call(1, 40),
      { type: 'step-end', stepNumber: 1, usage: { totalTokenCount: 45 } },
    ];
    expect(summarizeRun('id', start, lines, false).totalTokens).toBe(45);
    // Step 2's model call has answered, its tools still run: its tokens already count.
    expect(summarizeRun('id', start, [...lines, call(2, 60)], false).totalTokens).toBe(105);
  });

  it("shows an ended run's cost only when the file holds a dollar decimal", () => {
    const end = (cost: unknown) => [{ type: 'run-end', outcome: 'success', cost }];
    expect(summarizeRun('id', start, end({ total: '0.00267' }), false).costUsd).toBe('0.00267');
    for (const hostile of [{ total: null }, { total: 1 }, { total: '1e3' }, 'x', undefined]) {
      expect(summarizeRun('id', start, end(hostile), false).costUsd).toBeUndefined();
    }
    expect(summarizeRun('id', start, [], false).costUsd).toBeUndefined();
  });
});
