import { describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { totalTokensExceed } from '../agent/stop-conditions.ts';
import { createBudgetPool } from '../budget/budget-pool.ts';
import { reserveBudget } from '../budget/reserve-budget.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { modelFallback } from '../fallback/model-fallback.ts';
import { checkTimeout } from '../http/check-timeout.ts';
import { loopGuard } from '../loop-guard/loop-guard.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { describeValue, integerOption, oneOfOption } from './define-options.ts';

// leftovers82: a number given as a string (`'5000'`, as read from an environment variable or a
// form) was described by the numeric option checks with `String(value)`: `toolTimeoutMs must be a
// positive number of milliseconds ...; got 5000.`, a message that reads as if 5000 were refused.
// Each check now says `got the string "5000"`, so the user sees what is wrong with it.

function messageOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('a string where a number belongs is described as a string', () => {
  it('describeValue says "the string" for a string that reads as another kind of value', () => {
    expect(describeValue('5000')).toBe('the string "5000"');
    expect(describeValue('true')).toBe('the string "true"');
    expect(describeValue(' 1e3 ')).toBe('the string " 1e3 "');
    expect(describeValue('Infinity')).toBe('the string "Infinity"');
    expect(describeValue('null')).toBe('the string "null"');
    // Other strings stay quoted as they were (their quotes already show a string).
    expect(describeValue('raise')).toBe('"raise"');
    expect(describeValue('')).toBe('an empty string');
    expect(describeValue(5000)).toBe('5000');
  });

  it.each<[string, () => unknown]>([
    ['integerOption', () => integerOption({ min: 1 })('5000', 'x')],
    ['checkTimeout', () => checkTimeout('5000', 1, 'timeoutMs')],
    [
      'modelFallback coolDownMs',
      () => modelFallback({ models: ['m'], coolDownMs: '5000' as never }),
    ],
    ['totalTokensExceed', () => totalTokensExceed('5000' as never)],
    ['loopGuard', () => loopGuard({ window: '5000' as never })],
    [
      'reserveBudget usd',
      () => reserveBudget({ pool: createBudgetPool({ maxCostUsd: 1 }), usd: '5000' as never }),
    ],
    [
      'defineTool timeoutMs',
      () =>
        defineTool({
          name: 'slow',
          description: 'd',
          parameters: z.object({}),
          timeoutMs: '5000' as never,
          execute: () => 'ok',
        }),
    ],
  ])('%s', (_name, make) => {
    expect(messageOf(make)).toContain('got the string "5000"');
  });

  it('keeps the one-of choices in the message', () => {
    expect(messageOf(() => oneOfOption(['a', 'b'])('1', 'mode'))).toBe(
      `mode must be 'a' or 'b'; got the string "1".`,
    );
  });
});
