import { describe, expect, it } from 'vitest';
import { datasetRefusal } from './__fixtures__/dataset-refusal.ts';
import { parseEvalCases, toEvalCase } from './parse-eval-cases.ts';
import { exactMatch } from './scorers/text-scorers.ts';

// evals68: a dataset line with a misspelt key (`expect` for `expected`, `txt` for `text`,
// `toolcalls` for `toolCalls`) loaded with the key dropped without a word: the case then had
// no expectation, `exactMatch` skipped it, and a case with no score counted as a pass. The
// expectation a user wrote was lost, and `gemloop eval` passed the case whatever the agent
// answered. A key that is a misspelling of a case's key is refused now (the suite's own keys are
// checked since attack13); a key near none (a note of the user's own) is still dropped.

const refusal = datasetRefusal;

describe('a dataset case with a key no case has', () => {
  it('a misspelt expected is refused, naming the line, the key and the one meant', () => {
    const line = '{"id":"paris","input":"Capital of France?","expect":{"text":"Paris"}}';
    const error = refusal(`{"id":"ok","input":"hi"}\n${line}`);
    expect(error.line).toBe(2);
    expect(error.message).toContain(`case 'paris': unknown key "expect". Did you mean 'expected'?`);
    expect(error.message).toContain('A case holds only id, input, conversation, simulatedUser,');
  });

  it('before: the case loaded without its expectation, so exactMatch skipped it (a pass)', async () => {
    // What the refusal prevents, shown on a case built by hand: no expectation, no score.
    const scorer = exactMatch();
    const score = await scorer.score({
      evalCase: { id: 'paris', input: 'Capital of France?' },
      run: { text: 'Berlin', turns: ['Berlin'], toolCalls: [], output: undefined },
      signal: new AbortController().signal,
    } as never);
    expect(score).toBeUndefined();
  });

  it.each([
    ['txt', 'text'],
    ['toolcalls', 'toolCalls'],
    ['outputs', 'output'],
  ])('a misspelt expected.%s is refused, pointing at expected.%s', (wrong, meant) => {
    const error = refusal(`{"id":"c","input":"hi","expected":{"${wrong}":"x"}}`);
    expect(error.line).toBe(1);
    expect(error.message).toContain(
      `case 'c': unknown key "expected.${wrong}". Did you mean 'expected.${meant}'?`,
    );
    expect(error.message).toContain('An expectation holds only text, toolCalls, output.');
  });

  it('a misspelt key with a line break or bidi override is shown escaped and bounded', () => {
    const error = refusal(JSON.stringify({ id: 's', input: 'hi', 'expectd\u202e\n': {} }));
    expect(error.message).toContain(`unknown key "expectd\\u202e\\n". Did you mean 'expected'?`);
    expect(error.message).not.toMatch(/[\u202e\n]/);
    expect(error.message.length).toBeLessThan(400);
  });

  it('a key near no key of a case (a note of the user`s own) is still dropped, as before', () => {
    const [loaded] = parseEvalCases(
      '{"id":"n","input":"hi","notes":"from the support queue","expected":{"text":"x","source":"wiki"}}',
    );
    expect(loaded).toEqual({ id: 'n', input: 'hi', expected: { text: 'x' } });
  });

  it('toEvalCase (a TypeScript dataset through gemloop eval) refuses it too', () => {
    expect(() =>
      toEvalCase({ id: 'ts', input: 'hi', expectedOutput: 'x' }, 'suite.ts'),
    ).toThrowError(
      /suite\.ts: case 'ts': unknown key "expectedOutput"\. Did you mean 'expected'\?/,
    );
    // The name other eval tools give it, built on `expected`: refused too.
    expect(refusal('{"id":"d","input":"hi","expected_output":"Paris"}').message).toContain(
      `unknown key "expected_output". Did you mean 'expected'?`,
    );
  });

  it('every key a case holds still loads, undefined ones too', () => {
    const [loaded] = parseEvalCases(
      JSON.stringify({
        id: 'all',
        input: 'hi',
        history: [],
        tags: ['t'],
        expected: { text: 'x', toolCalls: [{ name: 'f', args: {} }], output: null },
        fixtures: { modelResponses: [] },
        runFile: 'r.jsonl',
      }),
    );
    expect(loaded?.expected).toEqual({
      text: 'x',
      toolCalls: [{ name: 'f', args: {} }],
      output: null,
    });
    expect(
      toEvalCase({ id: 'u', input: 'hi', tags: undefined, expected: { text: undefined } }),
    ).toEqual({
      id: 'u',
      input: 'hi',
      expected: {},
    });
  });
});
