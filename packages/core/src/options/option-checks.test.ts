import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  arrayOption,
  booleanOption,
  checkedWhereUsed,
  defineOptions,
  functionOption,
  integerOption,
  nestedOption,
  numberOption,
  type OptionCheck,
  objectOption,
  oneOfOption,
  optionCheck,
  required,
  stringOption,
} from './define-options.ts';

/** The message `check` gives for `value` at `path`, or undefined when it passes. */
function messageOf(check: OptionCheck, value: unknown, path = 'x'): string | undefined {
  try {
    check(value, path);
    return undefined;
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
}

describe('option checks', () => {
  it('optionCheck: a test and a fixed message or one made from the path and value', () => {
    const even = optionCheck((value) => value === 2, 'x must be 2.');
    expect(messageOf(even, 2)).toBeUndefined();
    expect(messageOf(even, 3)).toBe('x must be 2.');
    const named = optionCheck(
      () => false,
      (path, value) => `${path}: ${String(value)}`,
    );
    expect(messageOf(named, 7, 'a.b')).toBe('a.b: 7');
  });

  it('functionOption', () => {
    expect(messageOf(functionOption(), () => {})).toBeUndefined();
    expect(messageOf(functionOption(), 'f', 'now')).toBe('now must be a function; got "f".');
    expect(messageOf(functionOption('now is a clock.'), 1)).toBe('now is a clock.');
  });

  it('booleanOption', () => {
    expect(messageOf(booleanOption(), false)).toBeUndefined();
    expect(messageOf(booleanOption(), 'yes', 'loud')).toBe(
      'loud must be true or false; got "yes".',
    );
  });

  it('stringOption, non-empty or not', () => {
    expect(messageOf(stringOption(), '')).toBeUndefined();
    expect(messageOf(stringOption({ nonEmpty: true }), ' ', 'model')).toBe(
      'model must be a non-empty string; got " ".',
    );
    expect(messageOf(stringOption(), 1, 'model')).toBe('model must be a string; got 1.');
  });

  it('integerOption: the range, and Infinity only when allowed', () => {
    expect(messageOf(integerOption({ min: 1 }), 1)).toBeUndefined();
    expect(messageOf(integerOption({ min: 1 }), 0, 'maxSteps')).toBe(
      'maxSteps must be an integer of at least 1; got 0.',
    );
    expect(messageOf(integerOption({ min: 1 }), 1.5)).toBeDefined();
    expect(messageOf(integerOption({ min: 1 }), Number.POSITIVE_INFINITY)).toBeDefined();
    expect(messageOf(integerOption({ min: 1, max: 9 }), 10, 'n')).toBe(
      'n must be an integer from 1 to 9; got 10.',
    );
    const unbounded = integerOption({ min: 1, infinity: true });
    expect(messageOf(unbounded, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(messageOf(unbounded, 0, 'n')).toBe(
      'n must be an integer of at least 1 (or Infinity for no limit); got 0.',
    );
  });

  it('numberOption: a range, never NaN', () => {
    const latitude = numberOption({ min: -90, max: 90, message: 'latitude from -90 to 90.' });
    expect(messageOf(latitude, -90)).toBeUndefined();
    expect(messageOf(latitude, 91)).toBe('latitude from -90 to 90.');
    expect(messageOf(latitude, Number.NaN)).toBe('latitude from -90 to 90.');
    expect(messageOf(latitude, '1')).toBe('latitude from -90 to 90.');
  });

  it('oneOfOption lists the values', () => {
    const mode = oneOfOption(['report', 'throw']);
    expect(messageOf(mode, 'throw')).toBeUndefined();
    expect(messageOf(mode, 'raise', 'toolErrors')).toBe(
      "toolErrors must be 'report' or 'throw'; got \"raise\".",
    );
    expect(messageOf(oneOfOption(['a', 'b', 'c']), 'd', 'v')).toBe(
      "v must be 'a', 'b' or 'c'; got \"d\".",
    );
  });

  it('objectOption refuses null and arrays', () => {
    const check = objectOption('capabilities must be an object.');
    expect(messageOf(check, {})).toBeUndefined();
    expect(messageOf(check, null)).toBe('capabilities must be an object.');
    expect(messageOf(check, [])).toBe('capabilities must be an object.');
  });

  it('arrayOption checks every item', () => {
    const strings = arrayOption({
      item: (value) => typeof value === 'string',
      message: 'keys must be strings.',
    });
    expect(messageOf(strings, ['a'])).toBeUndefined();
    expect(messageOf(strings, ['a', 1])).toBe('keys must be strings.');
    expect(messageOf(strings, 'a')).toBe('keys must be strings.');
  });

  it('nestedOption checks a nested object strictly, under the option path', () => {
    const limit = defineOptions<{ maxTurns?: number | undefined }>({
      name: 'limit',
      example: '{ maxTurns }',
      checks: { maxTurns: integerOption({ min: 0 }) },
    });
    const check = nestedOption(limit);
    expect(messageOf(check, { maxTurns: 2 }, 'limit')).toBeUndefined();
    expect(messageOf(check, { maxTurns: -1 }, 'limit')).toBe(
      'limit.maxTurns must be an integer of at least 0; got -1.',
    );
    expect(messageOf(check, { maxturn: 1 }, 'limit')).toBe(
      "limit has no option 'maxturn'. Did you mean 'maxTurns'? The options are maxTurns.",
    );
    expect(messageOf(check, 3, 'limit')).toBe(
      'limit takes one options object such as { maxTurns }; got 3.',
    );
  });

  it('required marks a check without changing it; checkedWhereUsed passes everything', () => {
    const check = required(booleanOption());
    expect(check.required).toBe(true);
    expect(messageOf(check, true)).toBeUndefined();
    expect(messageOf(check, undefined, 'loud')).toBe('loud must be true or false; got undefined.');
    expect(messageOf(checkedWhereUsed, Symbol('anything'))).toBeUndefined();
  });
});
