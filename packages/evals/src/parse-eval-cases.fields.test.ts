import { describe, expect, it } from 'vitest';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { MAX_CASE_ID_CHARS, MAX_CASES, parseEvalCases, toEvalCase } from './parse-eval-cases.ts';

// Each field of a case as a dataset may hold it, from a hand-written JSONL file or a TypeScript
// dataset: what is copied (and only that), and the message that names a field of the wrong shape.
// (parse-eval-cases.test.ts covers the lines, ids and bounds of a file.)

const fault = (value: unknown): string => {
  try {
    toEvalCase(value, 'cases.ts');
  } catch (error) {
    expect(EvalDatasetError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('parseEvalCases: a file as editors save it', () => {
  it('reads a file with a byte-order mark, CRLF line ends and indented comments', () => {
    const text = '\uFEFF{"id":"a","input":"x"}\r\n   // a note\r\n\r\n{"id":"b","input":"y"}\r\n';
    expect(parseEvalCases(text).map((each) => each.id)).toEqual(['a', 'b']);
  });

  it('refuses the case past the most a dataset holds, naming its line', () => {
    const lines = Array.from(
      { length: MAX_CASES + 1 },
      (_, index) => `{"id":"c${index}","input":"q"}`,
    );
    expect(() => parseEvalCases(lines.join('\n'), 'big.jsonl')).toThrow(
      `big.jsonl:${MAX_CASES + 1}: more than ${MAX_CASES} cases; split the dataset.`,
    );
    expect(parseEvalCases(lines.slice(0, MAX_CASES).join('\n'))).toHaveLength(MAX_CASES);
  });
});

describe('toEvalCase', () => {
  it('copies a full case, every field it knows, and nothing else', () => {
    const value = {
      id: 'full',
      input: [{ role: 'user', parts: [{ text: 'Weather?' }] }],
      history: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      tags: ['smoke', 'weather'],
      expected: { text: 'Sunny', toolCalls: [{ name: 'w' }], output: null, extra: 1 },
      fixtures: {
        modelResponses: [{ candidates: [] }],
        requests: [{ contents: [] }],
        toolResults: [{ name: 'w', args: { city: 'Paris' }, output: 18, secret: 'x' }],
        model: 'gemini-2.5-flash',
        subagents: [{ path: ['search#1'], modelResponses: [{}], requests: [{}], extra: 1 }],
        extra: 1,
      },
      runFile: '.gemloop/runs/r.jsonl',
      unknown: 'dropped',
    };
    expect(toEvalCase(value)).toEqual({
      id: 'full',
      input: value.input,
      history: value.history,
      tags: ['smoke', 'weather'],
      expected: { text: 'Sunny', toolCalls: [{ name: 'w' }], output: null },
      fixtures: {
        modelResponses: [{ candidates: [] }],
        requests: [{ contents: [] }],
        toolResults: [{ name: 'w', args: { city: 'Paris' }, output: 18 }],
        model: 'gemini-2.5-flash',
        subagents: [{ path: ['search#1'], modelResponses: [{}], requests: [{}] }],
      },
      runFile: '.gemloop/runs/r.jsonl',
    });
  });

  it('copies the arrays it keeps: a dataset changed later does not change the case', () => {
    const conversation = ['hi'];
    const tags = ['a'];
    const evalCase = toEvalCase({ id: 'c', conversation, tags });
    conversation.push('sneaked');
    tags.push('sneaked');
    expect(evalCase).toEqual({ id: 'c', conversation: ['hi'], tags: ['a'] });
  });

  it('takes a simulated user`s known fields, with maxTurns from 1 to 50', () => {
    const spec = {
      persona: 'a tourist',
      goal: 'book a table',
      maxTurns: 50,
      firstMessage: 'Hi',
      mood: 'x',
    };
    expect(toEvalCase({ id: 's', simulatedUser: spec }).simulatedUser).toEqual({
      persona: 'a tourist',
      goal: 'book a table',
      maxTurns: 50,
      firstMessage: 'Hi',
    });
    expect(
      toEvalCase({ id: 's', simulatedUser: { persona: 'p', goal: 'g', maxTurns: 1 } })
        .simulatedUser,
    ).toEqual({
      persona: 'p',
      goal: 'g',
      maxTurns: 1,
    });
  });

  it('takes an id of up to 200 characters', () => {
    const id = 'x'.repeat(MAX_CASE_ID_CHARS);
    expect(toEvalCase({ id, input: 'q' }).id).toBe(id);
  });

  const faults: [string, unknown, string][] = [
    [
      'an id too long',
      { id: 'x'.repeat(MAX_CASE_ID_CHARS + 1), input: 'q' },
      "'id' must be a non-empty string of at most 200 characters.",
    ],
    ['an empty id', { id: '', input: 'q' }, "'id' must be a non-empty string"],
    ['a numeric id', { id: 7, input: 'q' }, "'id' must be"],
    [
      'an input that is a number',
      { id: 'c', input: 5 },
      "case 'c': 'input' must be a string or an array of contents.",
    ],
    [
      'an input of strings',
      { id: 'c', input: ['hi'] },
      "case 'c': 'input' must be a string or an array of contents.",
    ],
    [
      'an empty conversation',
      { id: 'c', conversation: [] },
      "case 'c': 'conversation' must be a non-empty array of user messages (strings).",
    ],
    [
      'a conversation of contents',
      { id: 'c', conversation: [{ text: 'hi' }] },
      "'conversation' must be a non-empty array",
    ],
    [
      'a simulated user without a goal',
      { id: 'c', simulatedUser: { persona: 'p' } },
      "case 'c': 'simulatedUser' needs a string 'persona' and 'goal'.",
    ],
    [
      'zero turns',
      { id: 'c', simulatedUser: { persona: 'p', goal: 'g', maxTurns: 0 } },
      "'simulatedUser.maxTurns' must be an integer from 1 to 50.",
    ],
    [
      'a fraction of a turn',
      { id: 'c', simulatedUser: { persona: 'p', goal: 'g', maxTurns: 2.5 } },
      "'simulatedUser.maxTurns' must be an integer",
    ],
    [
      'a first message that is not text',
      { id: 'c', simulatedUser: { persona: 'p', goal: 'g', firstMessage: 1 } },
      "case 'c': 'simulatedUser.firstMessage' must be a string.",
    ],
    [
      'a history that is text',
      { id: 'c', input: 'q', history: 'before' },
      "case 'c': 'history' must be an array of contents.",
    ],
    [
      'a history with a null',
      { id: 'c', input: 'q', history: [null] },
      "'history' must be an array of contents.",
    ],
    [
      'numeric tags',
      { id: 'c', input: 'q', tags: [1] },
      "case 'c': 'tags' must be an array of strings.",
    ],
    [
      'expected as text',
      { id: 'c', input: 'q', expected: 'Sunny' },
      "case 'c': 'expected' must be an object.",
    ],
    [
      'expected text as a number',
      { id: 'c', input: 'q', expected: { text: 18 } },
      "case 'c': 'expected.text' must be a string.",
    ],
    [
      'expected calls as an object',
      { id: 'c', input: 'q', expected: { toolCalls: { name: 'w' } } },
      "case 'c': 'expected.toolCalls' must be an array.",
    ],
    [
      'expected args as an array',
      { id: 'c', input: 'q', expected: { toolCalls: [{ name: 'w' }, { name: 'w', args: [1] }] } },
      "case 'c': 'expected.toolCalls[1].args' must be an object.",
    ],
    [
      'fixtures without responses',
      { id: 'c', input: 'q', fixtures: { requests: [] } },
      "case 'c': 'fixtures.modelResponses' must be an array of responses.",
    ],
    [
      'requests that are not objects',
      { id: 'c', input: 'q', fixtures: { modelResponses: [], requests: ['GET'] } },
      "case 'c': 'fixtures.requests' must be an array of request bodies.",
    ],
    [
      'tool results as an object',
      { id: 'c', input: 'q', fixtures: { modelResponses: [], toolResults: {} } },
      "case 'c': 'fixtures.toolResults' must be an array.",
    ],
    [
      'a tool result without a name',
      { id: 'c', input: 'q', fixtures: { modelResponses: [], toolResults: [{ output: 1 }] } },
      "case 'c': 'fixtures.toolResults[0]' needs a string 'name'.",
    ],
    [
      'an empty model name',
      { id: 'c', input: 'q', fixtures: { modelResponses: [], model: '' } },
      "'fixtures.model' must be a model name",
    ],
    [
      'a model name too long',
      { id: 'c', input: 'q', fixtures: { modelResponses: [], model: 'm'.repeat(201) } },
      "'fixtures.model' must be a model name",
    ],
    [
      'subagents as an object',
      { id: 'c', input: 'q', fixtures: { modelResponses: [], subagents: {} } },
      "case 'c': 'fixtures.subagents' must be an array.",
    ],
    [
      'a subagent run without a path',
      {
        id: 'c',
        input: 'q',
        fixtures: { modelResponses: [], subagents: [{ path: [], modelResponses: [] }] },
      },
      "case 'c': 'fixtures.subagents[0]' needs a 'path' (a non-empty array of strings) and 'modelResponses' (an array of responses).",
    ],
    [
      'a subagent run with bad requests',
      {
        id: 'c',
        input: 'q',
        fixtures: {
          modelResponses: [],
          subagents: [{ path: ['s#1'], modelResponses: [], requests: [1] }],
        },
      },
      "case 'c': 'fixtures.subagents[0]'.requests must be an array of request bodies.",
    ],
    [
      'a run file that is not a path',
      { id: 'c', input: 'q', runFile: 1 },
      "case 'c': 'runFile' must be a string.",
    ],
  ];
  it.each(faults)('names the field: %s', (_, value, message) => {
    const text = fault(value);
    expect(text.startsWith('cases.ts: ')).toBe(true);
    expect(text).toContain(message);
  });

  it('an error without a line names the source alone; isInstance reads any copy by its code', () => {
    const error = new EvalDatasetError({ source: 'cases.ts', problem: 'bad.' });
    expect(error).toMatchObject({
      message: 'cases.ts: bad.',
      line: undefined,
      code: 'eval-dataset',
    });
    const copy = Object.assign(new Error('x'), {
      code: 'eval-dataset',
      [Symbol.for('gemloop.error')]: true,
    });
    expect(EvalDatasetError.isInstance(copy)).toBe(true);
    expect(EvalDatasetError.isInstance(new Error('x'))).toBe(false);
  });
});
