import { InvalidArgumentError } from '@gemloop/core';
import { dropToolExchanges } from '@gemloop/core/history';
import { describe, expect, it } from 'vitest';

// attack59: dropToolExchanges is public (a hand-off filter of your own calls it), so its
// arguments come from app code: a `from` of NaN returned [] (the whole history gone, silently),
// -1 or 1.5 threw "Cannot read properties of undefined (reading 'role')", and contents that are
// no array threw a bare TypeError or, for a string, returned the string.

const contents = [
  { role: 'user' as const, parts: [{ text: 'book a flight' }] },
  { role: 'model' as const, parts: [{ functionCall: { name: 'search', args: {} } }] },
  { role: 'user' as const, parts: [{ functionResponse: { name: 'search', response: {} } }] },
  { role: 'model' as const, parts: [{ text: 'Booked.' }] },
];

describe('dropToolExchanges on arguments that are wrong', () => {
  it.each<[string, unknown, unknown, string]>([
    ['a from of NaN', contents, Number.NaN, 'from'],
    ['a negative from', contents, -1, 'from'],
    ['a fractional from', contents, 1.5, 'from'],
    ['a from that is text', contents, '1', 'from'],
    ['contents that are undefined', undefined, 0, 'contents'],
    ['contents that are text', 'hello', 0, 'contents'],
    ['contents that are an object', { 0: contents[0], length: 1 }, 0, 'contents'],
  ])('refuses %s with an InvalidArgumentError naming it', (_label, list, from, argument) => {
    let error: unknown;
    try {
      dropToolExchanges(list as never, from as never);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toMatch(/^dropToolExchanges: /);
  });

  it('still takes every from from 0 on, one past the end keeping everything', () => {
    expect(dropToolExchanges(contents, 0)).toEqual([contents[0], contents[3]]);
    expect(dropToolExchanges(contents, 4)).toEqual(contents);
    // A filter of your own may pass a shorter list with the run's `from`: nothing to drop.
    expect(dropToolExchanges(contents, 9)).toEqual(contents);
  });
});
