import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { checkOwner } from './check-owner.ts';

// What a door makes of its `authorize` hook's return: an owner, a refusal (401), or the app's own
// mistake (a 500 naming authorize), never an owner made of something that is not one.

describe('checkOwner', () => {
  it('an owner id is the caller; null or undefined refuses the request', () => {
    expect(checkOwner('alice')).toBe('alice');
    expect(checkOwner('x'.repeat(1024))).toHaveLength(1024);
    expect(checkOwner(null)).toBeUndefined();
    expect(checkOwner(undefined)).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['a string past 1024 characters', 'x'.repeat(1025)],
    ['a number', 42],
    ['false', false],
    ['an object', { sub: 'alice' }],
    ['a promise (an async authorize the door did not await)', Promise.resolve('alice')],
  ])('refuses %s, naming authorize', (_, value) => {
    let thrown: unknown;
    try {
      checkOwner(value);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ argument: 'authorize' });
  });
});
