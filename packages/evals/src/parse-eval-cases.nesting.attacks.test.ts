import { describe, expect, it } from 'vitest';
import { datasetRefusal } from './__fixtures__/dataset-refusal.ts';
import { MAX_CASE_NESTING, parseEvalCases, toEvalCase } from './parse-eval-cases.ts';
import { MAX_COMPARED_DEPTH } from './scorers/deep-equal.ts';

// attack43a: a dataset line nested 20,000 levels deep (a hand-edited or planted file; JSON.parse
// reads it). It loaded, and its replay ended as an error that blamed the network: "generateContent
// could not reach generativelanguage.googleapis.com: Maximum call stack size exceeded. Not
// retried: check the baseUrl and the fetch option." Past MAX_COMPARED_DEPTH no comparison can
// judge the values anyway. Refused now at load, with the line, the field and the limit.

const deep = (levels: number, inner = '1'): string =>
  `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;

const refusal = datasetRefusal;

describe('a dataset line nested deeper than a case can be', () => {
  it.each([
    [
      'expected.output',
      (value: string) => `{"id":"d","input":"hi","expected":{"output":${value}}}`,
    ],
    [
      'expected.toolCalls',
      (value: string) =>
        `{"id":"d","input":"hi","expected":{"toolCalls":[{"name":"t","args":${value}}]}}`,
    ],
    [
      'fixtures',
      (value: string) =>
        `{"id":"d","input":"hi","fixtures":{"modelResponses":[{"candidates":[${value}]}]}}`,
    ],
    ['input', (value: string) => `{"id":"d","input":[{"role":"user","parts":[${value}]}]}`],
  ])('refuses it in %s, naming the line, the field and the limit', (field, make) => {
    const good = '{"id":"ok","input":"hi"}';
    const error = refusal(`${good}\n${make(deep(20_000))}\n`);
    expect(error).toMatchObject({ source: 'cases.jsonl', line: 2 });
    expect(error.message).toContain(`'${field.split('.')[0]}'`);
    expect(error.message).toContain(String(MAX_CASE_NESTING));
  });

  it('loads a case nested as deep as a comparison compares, and refuses one level more', () => {
    expect(MAX_CASE_NESTING).toBe(MAX_COMPARED_DEPTH);
    // The case is level 1, `expected` level 2, the output's objects levels 3 and on.
    const at = (levels: number) =>
      `{"id":"d","input":"hi","expected":{"output":${deep(levels - 2)}}}`;
    expect(parseEvalCases(at(MAX_CASE_NESTING), 'cases.jsonl')).toHaveLength(1);
    expect(refusal(at(MAX_CASE_NESTING + 1)).message).toContain("'expected'");
  });

  it('refuses the same from a suite written in code (toEvalCase)', () => {
    let value: unknown = 1;
    for (let index = 0; index < 20_000; index++) value = { a: value };
    expect(() => toEvalCase({ id: 'd', input: 'hi', expected: { output: value } })).toThrow(
      /nested deeper than/,
    );
  });
});
