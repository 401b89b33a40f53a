import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { createFakeGemini } from './create-fake-gemini.ts';
import { turn } from './script/fake-turn.ts';

// The fake is test infrastructure: a wrong option must fail where the fake is made, naming it,
// not as a puzzling 400 or a "network" TypeError in the test that uses it.

describe('createFakeGemini on wrong options', () => {
  for (const [name, options, argument] of [
    ['null', null, 'options'],
    ['a script that is a number', { script: 5 }, 'script'],
    ['a script with a null turn', { script: [turn.text('a'), null] }, 'script'],
    ['apiKeys as one string', { apiKeys: 'abc' }, 'apiKeys'],
    ['faults that are not a list', { faults: 5 }, 'faults'],
    ['a chunkSize of -1', { chunkSize: -1 }, 'chunkSize'],
    ['a seed that is text', { seed: 'x' }, 'seed'],
    ['an unknown signatureValidation', { signatureValidation: 'strict' }, 'signatureValidation'],
    ['a misspelt option', { scirpt: [] }, 'scirpt'],
  ] as const) {
    it(`names ${argument} for ${name}`, () => {
      const make = () => createFakeGemini(options as never);
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument }));
    });
  }

  it('checks setScript the same way', () => {
    const fake = createFakeGemini();
    expect(() => fake.setScript(5 as never)).toThrow(InvalidArgumentError);
  });
});
