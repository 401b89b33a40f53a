import { InvalidArgumentError } from '@gemloop/core/errors';
import { googleMaps, googleSearch } from '@gemloop/core/tools';
import { describe, expect, it } from 'vitest';

// attack14: `googleMaps` spread whatever it was given into the tool: `null` and `5` became `{}`
// without a word, and a string its characters (`googleMaps('x')` sent `{ googleMaps: { 0: 'x' } }`,
// which the API refuses at the first run). `googleSearch` already refused them.

describe('googleMaps options from outside', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 5],
    ['a string', 'enableWidget'],
    ['an array', [true]],
  ])('%s: an InvalidArgumentError naming the options, as googleSearch', (_label, options) => {
    expect(() => googleMaps(options as never)).toThrow(InvalidArgumentError);
    expect(() => googleMaps(options as never)).toThrow(/googleMaps/);
    expect(() => googleSearch(options as never)).toThrow(InvalidArgumentError);
  });

  it('nothing, or an options object, still makes the tool', () => {
    expect(googleMaps().tool).toEqual({ googleMaps: {} });
    expect(googleMaps({ enableWidget: true }).tool).toEqual({
      googleMaps: { enableWidget: true },
    });
  });
});
