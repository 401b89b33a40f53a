import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createLogger } from './create-logger.ts';

describe('createLogger on wrong options', () => {
  for (const [name, options, argument] of [
    ['null', null, 'options'],
    ['a number', 5, 'options'],
    ['a destination without write', { destination: {} }, 'destination'],
    ['a destination that is a number', { destination: 5 }, 'destination'],
    ['a name that is a number', { name: 5 }, 'name'],
    ['redact as a string', { redact: 'password' }, 'redact'],
    ['a misspelt option', { levle: 'debug' }, 'levle'],
  ] as const) {
    it(`throws an InvalidArgumentError naming ${argument} for ${name}`, () => {
      const make = () => createLogger(options as never);
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument }));
    });
  }
});
