import { describe, expect, it } from 'vitest';
import { caseFromRunFile, MAX_RUN_FILE_CHARS } from './cases-from-run.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';

// A recorded run file (core's recorder format 1) read line by line into a case: what each kind of
// line gives the case, what a crash-cut or foreign file gives, and an agent tree's subagent files.
// (cases-from-run.test.ts covers the run id; run-eval.test.ts a real recording end to end.)

const answer = (text: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] } }],
});
const file = (...lines: object[]): string => lines.map((line) => JSON.stringify(line)).join('\n');
const start = (extra: Record<string, unknown> = {}) => ({
  type: 'run-start',
  format: 1,
  runId: 'run-1',
  input: 'Book a table',
  model: 'gemini-2.5-flash',
  ...extra,
});
const request = (text = 'Book a table') => ({
  type: 'model-call-start',
  request: { contents: [{ role: 'user', parts: [{ text }] }] },
});
const end = (text = 'Booked.') => ({ type: 'run-end', outcome: 'success', text });
const toolStart = (toolCallId: unknown, toolName: unknown, args: unknown) => ({
  type: 'tool-call-start',
  toolCallId,
  toolName,
  args,
});
const toolEnd = (toolCallId: string, toolName: string, outcome: string, output: unknown) => ({
  type: 'tool-call-end',
  toolCallId,
  toolName,
  outcome,
  output,
});
const errorOf = (run: () => unknown): EvalDatasetError => {
  try {
    run();
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no error');
};

describe('caseFromRunFile: the lines of one run', () => {
  it('expects the calls in the order made, and keeps the successful results with their arguments', () => {
    const made = caseFromRunFile(
      file(
        start(),
        request(),
        { type: 'model-call-end', response: answer('') },
        toolStart('c1', 'find_table', { people: 2 }),
        toolStart('c2', 'book_table', 'not an object'),
        toolEnd('c2', 'book_table', 'execution-error', undefined),
        toolEnd('c1', 'find_table', 'success', { table: 7 }),
        request('next'),
        { type: 'model-call-end', response: answer('Booked.') },
        end(),
      ),
      'runs/run-1.jsonl',
    );
    expect(made).toEqual({
      id: 'run-1',
      input: 'Book a table',
      expected: {
        text: 'Booked.',
        toolCalls: [
          { name: 'find_table', args: { people: 2 } },
          { name: 'book_table', args: {} },
        ],
      },
      fixtures: {
        modelResponses: [answer(''), answer('Booked.')],
        requests: [request().request, request('next').request],
        model: 'gemini-2.5-flash',
        toolResults: [{ name: 'find_table', args: { people: 2 }, output: { table: 7 } }],
      },
      runFile: 'runs/run-1.jsonl',
    });
  });

  // A whole line that is not an object is refused since leftovers35a (the case would miss what
  // it recorded: cases-from-run.torn-line.attacks.test.ts); only a cut last line is left out.
  it('reads a file a crash cut, with CRLF ends, from what is whole', () => {
    const text = [
      JSON.stringify(start()),
      JSON.stringify({ type: 'model-call-end', response: answer('Hi') }),
      JSON.stringify(end('Hi')),
      '{"type":"tool-call-start","toolName":"cut mid-li',
    ].join('\r\n');
    const made = caseFromRunFile(text, 'cut.jsonl');
    expect(made).toMatchObject({ id: 'run-1', expected: { text: 'Hi', toolCalls: [] } });
    expect(made?.fixtures?.modelResponses).toEqual([answer('Hi')]);
  });

  it('makes no case of a run that failed, gave no model answer, or has no run-start', () => {
    const response = { type: 'model-call-end', response: answer('x') };
    const none: [string, string][] = [
      ['failed', file(start(), response, { type: 'run-end', outcome: 'error' })],
      ['unfinished', file(start(), response)],
      ['no answer', file(start(), end())],
      ['no run-start', file(response, end())],
      ['no input anywhere', file(start({ input: undefined }), response, end())],
    ];
    for (const [why, text] of none) expect(caseFromRunFile(text, 'r.jsonl'), why).toBeUndefined();
  });

  it('a run without a final text expects its calls only', () => {
    const made = caseFromRunFile(
      file(
        start(),
        { type: 'model-call-end', response: answer('') },
        { type: 'run-end', outcome: 'success' },
      ),
      'r.jsonl',
    );
    expect(made?.expected).toEqual({ toolCalls: [] });
  });

  it('leaves out a model the run-start does not name', () => {
    const made = caseFromRunFile(
      file(start({ model: '' }), { type: 'model-call-end', response: answer('x') }, end()),
      'r.jsonl',
    );
    expect(made?.fixtures).not.toHaveProperty('model');
  });

  it('takes the input from the first request when the run-start has none', () => {
    const made = caseFromRunFile(
      file(
        start({ input: undefined }),
        request('From the request'),
        { type: 'model-call-end', response: answer('x') },
        end(),
      ),
      'r.jsonl',
    );
    expect(made?.input).toEqual([{ role: 'user', parts: [{ text: 'From the request' }] }]);
  });

  it('takes the whole input from the first request when the recorder shortened its media', () => {
    const shortened = [
      {
        role: 'user',
        parts: [{ inlineData: { mimeType: 'image/png', data: '[90000 characters omitted]' } }],
      },
    ];
    const whole = [
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
    ];
    const history = { role: 'model', parts: [{ text: 'earlier' }] };
    const made = caseFromRunFile(
      file(
        start({ input: shortened }),
        { type: 'model-call-start', request: { contents: [history, ...whole] } },
        { type: 'model-call-end', response: answer('A cat.') },
        end('A cat.'),
      ),
      'r.jsonl',
    );
    expect(made?.input).toEqual(whole);
    // Not shortened: the input as recorded.
    const plain = [{ role: 'user', parts: [{ text: 'hi' }] }];
    const kept = caseFromRunFile(
      file(
        start({ input: plain }),
        request('other'),
        { type: 'model-call-end', response: answer('x') },
        end(),
      ),
      'r.jsonl',
    );
    expect(kept?.input).toEqual(plain);
  });

  it('refuses another recorder format and a file past its bound, naming the file', () => {
    expect(errorOf(() => caseFromRunFile(file(start({ format: 2 })), 'new.jsonl')).message).toBe(
      'new.jsonl: recorded run format 2, this gemloop reads format 1.',
    );
    const big = ' '.repeat(MAX_RUN_FILE_CHARS + 1);
    expect(errorOf(() => caseFromRunFile(big, 'big.jsonl')).message).toBe(
      `big.jsonl: more than ${MAX_RUN_FILE_CHARS} characters; not turned into a case.`,
    );
  });
});

describe('caseFromRunFile: an agent tree', () => {
  const top = file(
    start({ runId: 'top' }),
    { type: 'model-call-end', response: answer('') },
    toolStart('t1', 'research', { topic: 'x' }),
    { type: 'model-call-end', response: answer('Done.') },
    end('Done.'),
  );
  const child = (runId: string, parentRunId: string, path: unknown, tool: string) => ({
    runFile: `runs/${runId}.jsonl`,
    text: file(
      start({ runId, parentRunId, path }),
      request(`sub ${runId}`),
      { type: 'model-call-end', response: answer(runId) },
      toolStart(`${runId}-c`, tool, { q: runId }),
      toolEnd(`${runId}-c`, tool, 'success', `${tool} output`),
      end(runId),
    ),
  });

  it('orders subagent runs parents first whatever order the files came in, and joins their tool results', () => {
    const grandchild = child('grand', 'kid', ['research#1', 'dig#1'], 'dig_tool');
    const kid = child('kid', 'top', ['research#1'], 'search_tool');
    const made = caseFromRunFile(top, 'runs/top.jsonl', { subagentRuns: [grandchild, kid] });
    expect(made?.fixtures?.subagents?.map((run) => run.path)).toEqual([
      ['research#1'],
      ['research#1', 'dig#1'],
    ]);
    expect(made?.fixtures?.subagents?.[0]).toEqual({
      path: ['research#1'],
      modelResponses: [answer('kid')],
      requests: [request('sub kid').request],
    });
    expect(made?.fixtures?.toolResults).toEqual([
      { name: 'search_tool', args: { q: 'kid' }, output: 'search_tool output' },
      { name: 'dig_tool', args: { q: 'grand' }, output: 'dig_tool output' },
    ]);
    // The top run's own calls stay what is expected; the subagents' are not.
    expect(made?.expected?.toolCalls).toEqual([{ name: 'research', args: { topic: 'x' } }]);
  });

  it('refuses a file of another tree, and two runs that name each other as parents', () => {
    const stranger = child('other', 'someone-else', ['x#1'], 't');
    expect(
      errorOf(() => caseFromRunFile(top, 'top.jsonl', { subagentRuns: [stranger] })).message,
    ).toBe(
      'runs/other.jsonl: not a subagent run of top (its run-start names no parent in that tree).',
    );
    const loop = [child('a', 'b', ['a#1'], 't'), child('b', 'a', ['b#1'], 't')];
    expect(errorOf(() => caseFromRunFile(top, 'top.jsonl', { subagentRuns: loop })).source).toBe(
      'runs/a.jsonl',
    );
  });

  it('refuses a subagent run without its path', () => {
    for (const path of [undefined, [], [1]]) {
      const run = child('kid', 'top', path, 't');
      expect(
        errorOf(() => caseFromRunFile(top, 'top.jsonl', { subagentRuns: [run] })).message,
      ).toBe(
        "runs/kid.jsonl: a subagent run needs its run-start's 'path' (a non-empty list of strings).",
      );
    }
  });
});
