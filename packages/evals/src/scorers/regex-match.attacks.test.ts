import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import type { Scorer } from '../scorer.ts';
import { regexMatch } from './text-scorers.ts';

// Outside attacks on `regexMatch` (attack14): its pattern often comes from a suite file or a
// config. A bad pattern was a bare `SyntaxError` naming neither the scorer nor the argument; a
// number or an object was compiled as its text (`{}` became /[object Object]/, a character class
// matching almost any answer: a gate that passes everything); flags given with a RegExp were
// dropped without a word (`regexMatch(/paris/, 'i')` stayed case-sensitive).

type ScoreInput = Parameters<Scorer['score']>[0];
const context = (text: string): ScoreInput =>
  ({ evalCase: { id: 'c', input: 'q' }, run: { text, turns: [text], toolCalls: [] } }) as never;

describe('regexMatch from outside', () => {
  it.each([
    ['an unclosed group', () => regexMatch('(unclosed'), /pattern/],
    ['a lone quantifier', () => regexMatch('*a'), /pattern/],
    ['unknown flags', () => regexMatch('a', 'zz'), /flags/],
    ['flags twice', () => regexMatch('a', 'gg'), /flags/],
    ['flags a number', () => regexMatch('a', 1 as never), /flags/],
    ['a number as the pattern', () => regexMatch(5 as never), /pattern/],
    ['an object as the pattern', () => regexMatch({} as never), /pattern/],
    ['null as the pattern', () => regexMatch(null as never), /pattern/],
    ['no pattern', () => (regexMatch as (p?: unknown) => Scorer)(), /pattern/],
    ['bad flags with a RegExp', () => regexMatch(/a/, 'q'), /flags/],
  ])('%s: an InvalidArgumentError naming the argument, made with the scorer', (_l, make, named) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(named);
    expect(make).toThrow(/regexMatch/);
  });

  it('keeps the SyntaxError as the cause', () => {
    try {
      regexMatch('(unclosed');
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidArgumentError).argument).toBe('pattern');
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('flags given with a RegExp are applied, as new RegExp(regex, flags) applies them', async () => {
    expect(await regexMatch(/^paris$/, 'i').score(context('Paris'))).toMatchObject({ pass: true });
    expect(await regexMatch(/^paris$/).score(context('Paris'))).toMatchObject({ pass: false });
    expect(await regexMatch(/^PARIS$/i).score(context('paris'))).toMatchObject({ pass: true });
  });

  it('a shared global RegExp is not moved by the scorer (each case from the start)', async () => {
    const regex = /\d+/g;
    regex.lastIndex = 5;
    const scorer = regexMatch(regex);
    expect(await scorer.score(context('12 apples'))).toMatchObject({ pass: true });
    expect(await scorer.score(context('34 pears'))).toMatchObject({ pass: true });
  });
});

describe('regexMatch names the right argument', () => {
  it('a bad pattern that mentions flags is still the pattern', () => {
    expect(() => regexMatch('(flags')).toThrow(/regexMatch: pattern does not compile/);
  });
});
