import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import type { ScoreContext } from '../scorer.ts';
import { exactMatch, quote, regexMatch } from './text-scorers.ts';

// The text scorers past their main path (scorers.test.ts): what counts as the same text, a regex
// with state, and the quoted text a reason carries, bounded and whole.

const context = (text: string, expected?: string): ScoreContext => ({
  evalCase: {
    id: 'c',
    input: 'q',
    ...(expected === undefined ? {} : { expected: { text: expected } }),
  },
  run: { text, turns: [text], output: undefined, toolCalls: [] },
  signal: new AbortController().signal,
});
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('exactMatch', () => {
  it('trims both sides, folds case only when asked, and keeps inner whitespace significant', async () => {
    expect(await exactMatch().score(context('\n Paris\t', 'Paris '))).toMatchObject({ pass: true });
    expect(await exactMatch({ ignoreCase: true }).score(context('PARIS', 'paris'))).toMatchObject({
      pass: true,
    });
    expect(await exactMatch().score(context('Paris  France', 'Paris France'))).toMatchObject({
      pass: false,
    });
  });

  it('an expected empty text is judged (an agent that must say nothing), not skipped', async () => {
    expect(await exactMatch().score(context('  ', ''))).toMatchObject({ pass: true, score: 1 });
    expect(await exactMatch().score(context('x', ''))).toMatchObject({
      pass: false,
      reason: 'expected "", got "x"',
    });
  });
});

describe('regexMatch', () => {
  it('compiles a string pattern with the flags given', async () => {
    expect(await regexMatch('^paris$', 'i').score(context('Paris'))).toMatchObject({
      pass: true,
      scorer: 'regex',
    });
    expect(await regexMatch('^paris$').score(context('Paris'))).toMatchObject({
      pass: false,
      reason: 'does not match /^paris$/: "Paris"',
    });
  });

  it('a sticky regex starts at the beginning on every case', async () => {
    const scorer = regexMatch(/\d+/y);
    expect(await scorer.score(context('12 apples'))).toMatchObject({ pass: true });
    expect(await scorer.score(context('34 pears'))).toMatchObject({ pass: true });
  });

  it('an invalid pattern fails when the scorer is made, not in the middle of a run', () => {
    // An InvalidArgumentError naming the pattern since attack14, the SyntaxError as its cause.
    expect(() => regexMatch('(unclosed')).toThrow(InvalidArgumentError);
    expect(() => regexMatch('(unclosed')).toThrow(/pattern does not compile/);
  });
});

describe('quote', () => {
  it('quotes text as JSON (newlines escaped: one line) and other values as their JSON', () => {
    expect(quote('a\nb')).toBe('"a\\nb"');
    expect(quote({ a: [1] })).toBe('{"a":[1]}');
    expect(quote(undefined)).toBe('undefined');
  });

  it('cuts a long value at the bound with an ellipsis, never inside a surrogate pair', () => {
    expect(quote('abcdef', 4)).toBe('"abc…');
    for (let max = 2; max < 10; max++) {
      const cut = quote('😀'.repeat(10), max);
      expect(cut, `max ${max}`).not.toMatch(loneSurrogate);
      expect(cut.length, `max ${max}`).toBeLessThanOrEqual(max + 1);
    }
  });

  it('keeps a whole answer`s emoji in an exact-match reason', async () => {
    const answer = `${'a'.repeat(150)}${'😀'.repeat(50)}`;
    const score = await exactMatch().score(context(answer, 'b'));
    expect(score?.reason).not.toMatch(loneSurrogate);
  });
});
