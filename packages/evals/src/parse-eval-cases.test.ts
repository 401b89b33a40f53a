import { describe, expect, it } from 'vitest';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { MAX_CASE_LINE_CHARS, parseEvalCases } from './parse-eval-cases.ts';

describe('parseEvalCases', () => {
  it('reads one case per line, skipping blank and // lines, copying known fields only', () => {
    const cases = parseEvalCases(
      [
        '// weather',
        '{"id":"a","input":"Weather?","expected":{"text":"Sunny","toolCalls":[{"name":"w","args":{"city":"Paris"}}]},"tags":["smoke"],"extra":1}',
        '',
        '{"id":"b","conversation":["hi","bye"],"expected":{"output":{"x":1}}}',
      ].join('\n'),
    );
    expect(cases).toEqual([
      {
        id: 'a',
        input: 'Weather?',
        expected: { text: 'Sunny', toolCalls: [{ name: 'w', args: { city: 'Paris' } }] },
        tags: ['smoke'],
      },
      { id: 'b', conversation: ['hi', 'bye'], expected: { output: { x: 1 } } },
    ]);
  });

  it('an __proto__ key stays data', () => {
    const [evalCase] = parseEvalCases(
      '{"id":"p","input":"x","expected":{"toolCalls":[{"name":"w","args":{"__proto__":{"polluted":true}}}]}}',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(evalCase?.expected?.toolCalls?.[0]?.args)).toBe(Object.prototype);
  });

  it.each([
    ['not json', 'ds.jsonl:2: not JSON'],
    ['[1]', 'ds.jsonl:2: a case must be a JSON object.'],
    ['{"input":"x"}', "ds.jsonl:2: 'id' must be a non-empty string"],
    ['{"id":"b"}', "ds.jsonl:2: case 'b': give an 'input', a 'conversation' or a 'simulatedUser'."],
    [
      '{"id":"b","simulatedUser":{"persona":"p","goal":"g","maxTurns":500}}',
      "ds.jsonl:2: case 'b': 'simulatedUser.maxTurns' must be an integer from 1 to 50.",
    ],
    [
      '{"id":"b","input":"x","conversation":["y"]}',
      "ds.jsonl:2: case 'b': give one of 'input', 'conversation' and 'simulatedUser', not several.",
    ],
    ['{"id":"a","input":"x"}', "ds.jsonl:2: the id 'a' is used twice"],
    [
      '{"id":"b","input":"x","expected":{"toolCalls":[{"args":{}}]}}',
      "ds.jsonl:2: case 'b': 'expected.toolCalls[0]' needs a string 'name'.",
    ],
    [
      '{"id":"b","input":"x","fixtures":{"modelResponses":[1]}}',
      "ds.jsonl:2: case 'b': 'fixtures.modelResponses[0]' must be an object.",
    ],
    [
      '{"id":"b","input":"x","fixtures":{"modelResponses":[],"model":7}}',
      "ds.jsonl:2: case 'b': 'fixtures.model' must be a model name (a string of 1 to 200 characters).",
    ],
  ])('names the line and the fault: %s', (line, message) => {
    const text = `{"id":"a","input":"x"}\n${line}`;
    expect(() => parseEvalCases(text, 'ds.jsonl')).toThrow(message);
    try {
      parseEvalCases(text, 'ds.jsonl');
    } catch (error) {
      expect(error).toBeInstanceOf(EvalDatasetError);
      expect(error).toMatchObject({ code: 'eval-dataset', source: 'ds.jsonl', line: 2 });
    }
  });

  it('refuses a line past its bound without parsing it', () => {
    const long = `{"id":"a","input":"${'x'.repeat(MAX_CASE_LINE_CHARS)}"}`;
    expect(() => parseEvalCases(long, 'big.jsonl')).toThrow(
      `big.jsonl:1: the line has ${long.length} characters, more than ${MAX_CASE_LINE_CHARS}.`,
    );
  });
});
