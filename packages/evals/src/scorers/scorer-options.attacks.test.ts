import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../eval-case.ts';
import type { Scorer } from '../scorer.ts';
import { exactMatch } from './text-scorers.ts';
import { grounded, toolTrajectory } from './tool-scorers.ts';

// Outside attacks on the scorers' options (attack13): a suite's scorers gate CI, and their options
// often come from a config file. A value the scorer does not know must be refused: `match:
// 'any_order'` fell through to the `subset` rule (extra calls passed), `minLength: 0` made every
// tool result "used" (the empty string is in every answer), `threshold: -1` passed everything.

type ScoreInput = Parameters<Scorer['score']>[0];

/** A run that made one expected call and one extra, and whose answer uses no tool result. */
function input(): ScoreInput {
  const evalCase: EvalCase = {
    id: 'c1',
    input: 'hi',
    expected: { toolCalls: [{ name: 'search', args: { q: 'a' } }] },
  };
  return {
    evalCase,
    run: {
      text: 'nothing',
      turns: ['nothing'],
      toolCalls: [
        { name: 'search', args: { q: 'a' }, outcome: 'success', output: { hit: 'paris' } },
        { name: 'delete_all', args: {}, outcome: 'success', output: { done: 'everything' } },
      ],
    },
  } as unknown as ScoreInput;
}

describe('scorer options from outside', () => {
  it.each([
    [
      'toolTrajectory match any_order',
      () => toolTrajectory({ match: 'any_order' as never }),
      /match/,
    ],
    ['toolTrajectory args exactly', () => toolTrajectory({ args: 'exactly' as never }), /args/],
    ['toolTrajectory a misspelt option', () => toolTrajectory({ mach: 'exact' } as never), /match/],
    ['toolTrajectory null', () => toolTrajectory(null as never), /toolTrajectory/],
    ['exactMatch a misspelt option', () => exactMatch({ ignorecase: true } as never), /ignoreCase/],
    ['exactMatch ignoreCase "yes"', () => exactMatch({ ignoreCase: 'yes' as never }), /ignoreCase/],
    ['grounded minLength 0', () => grounded({ minLength: 0 }), /minLength/],
    ['grounded threshold -1', () => grounded({ threshold: -1 }), /threshold/],
    ['grounded threshold "high"', () => grounded({ threshold: 'high' as never }), /threshold/],
    ['grounded a misspelt option', () => grounded({ treshold: 0.5 } as never), /threshold/],
  ])('%s: an InvalidArgumentError naming the option', (_label, make, named) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(named);
  });

  it('the scorers made with good options still judge as before', () => {
    expect(toolTrajectory({ match: 'any-order' }).score(input())).toMatchObject({ pass: false });
    expect(toolTrajectory({ match: 'subset', args: 'exact' }).score(input())).toMatchObject({
      pass: true,
    });
    expect(grounded({ minLength: 1, threshold: 1 }).score(input())).toMatchObject({ pass: false });
    expect(exactMatch({ ignoreCase: true }).name).toBe('exact');
  });
});
