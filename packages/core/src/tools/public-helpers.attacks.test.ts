import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { foldStream } from '../streaming/fold-stream.ts';
import { googleSearch } from './builtin/built-in-tools.ts';
import { suggestToolName } from './define/check-tool-name.ts';
import { toFunctionResponse } from './responses/to-function-response.ts';
import { formatToolArgumentIssues, toolErrorResponse } from './responses/tool-error-response.ts';
import { toolResult } from './responses/tool-result.ts';

// The exported helpers called from plain JavaScript with what a typo or a null gives them: each
// fails with an InvalidArgumentError naming what it takes, or degrades to a harmless value.

describe('exported helpers on garbage input', () => {
  const takesOptions: [string, (value: never) => unknown][] = [
    ['toolResult', toolResult],
    ['toFunctionResponse', toFunctionResponse],
    ['toolErrorResponse', toolErrorResponse],
    ['googleSearch', googleSearch],
  ];
  for (const [name, helper] of takesOptions) {
    for (const value of [null, 5, 'x', []]) {
      it(`${name}(${JSON.stringify(value)}) throws an InvalidArgumentError saying what it takes`, () => {
        expect(() => helper(value as never)).toThrow(InvalidArgumentError);
        expect(() => helper(value as never)).toThrow(/takes/);
      });
    }
  }

  it('foldStream rejects what is not a stream or a list of chunks', async () => {
    for (const value of [undefined, null, 5, {}]) {
      await expect(foldStream(value as never)).rejects.toThrow(InvalidArgumentError);
    }
  });

  it('formatToolArgumentIssues reads what a hand-made parseArgs may return without throwing', () => {
    expect(formatToolArgumentIssues(undefined as never)).toBe('');
    expect(
      formatToolArgumentIssues([null, 5, { message: 'bad' }, { path: ['a'], message: 3 }] as never),
    ).toBe('bad. a: 3.');
  });

  it('suggestToolName suggests something for a name that is not a string', () => {
    expect(suggestToolName(5 as never)).toBe('tool');
  });
});
