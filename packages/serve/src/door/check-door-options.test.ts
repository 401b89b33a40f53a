import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { checkDoorOptions, wholeOption } from './check-door-options.ts';

// What the AG-UI and A2A doors share in their options: the checks that name the option at fault,
// the defaults, and a logging hook that cannot turn an answer into a failure.

const argumentOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error.argument;
    throw error;
  }
  return undefined;
};

describe('checkDoorOptions', () => {
  it('defaults: a 32 MiB body (media, media-size56), 60 requests a minute per owner, the system clock', () => {
    expect(checkDoorOptions({ authorize: () => 'alice' })).toMatchObject({
      maxBodyBytes: 32 * 1024 * 1024,
      rateLimit: { requests: 60, windowMs: 60_000 },
      now: Date.now,
    });
  });

  it('refuses a door without authorize, and a rate limit or body bound that is not a whole positive number', () => {
    expect(argumentOf(() => checkDoorOptions({}))).toBe('authorize');
    expect(argumentOf(() => checkDoorOptions({ authorize: 'alice' }))).toBe('authorize');
    const authorize = () => 'alice';
    expect(argumentOf(() => checkDoorOptions({ authorize, rateLimit: 'fast' as never }))).toBe(
      'rateLimit',
    );
    expect(
      argumentOf(() => checkDoorOptions({ authorize, rateLimit: { requests: 0, windowMs: 1 } })),
    ).toBe('rateLimit.requests');
    expect(
      argumentOf(() => checkDoorOptions({ authorize, rateLimit: { requests: 1, windowMs: 0.5 } })),
    ).toBe('rateLimit.windowMs');
    expect(
      argumentOf(() => checkDoorOptions({ authorize, maxBodyBytes: Number.POSITIVE_INFINITY })),
    ).toBe('maxBodyBytes');
    expect(checkDoorOptions({ authorize, rateLimit: false }).rateLimit).toBe(false);
  });

  it('an onError that throws is kept from the answer; none at all is fine', () => {
    const seen: unknown[] = [];
    const settings = checkDoorOptions({
      authorize: () => 'alice',
      onError: (error) => {
        seen.push(error);
        throw new Error('logger down');
      },
    });
    expect(() => settings.onError('boom')).not.toThrow();
    expect(seen).toEqual(['boom']);
    expect(() => checkDoorOptions({ authorize: () => 'alice' }).onError('boom')).not.toThrow();
  });
});

describe('wholeOption', () => {
  it('takes a safe integer at or above its least value; the fallback when absent', () => {
    expect(wholeOption(undefined, 'n', 7)).toBe(7);
    expect(wholeOption(0, 'n', 7, 0)).toBe(0);
    expect(wholeOption(2 ** 53 - 1, 'n', 7)).toBe(2 ** 53 - 1);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => wholeOption(bad, 'maxThings', 7)).toThrow(
        `maxThings must be a positive integer; got ${bad}.`,
      );
    }
    expect(() => wholeOption(-1, 'maxChars', 7, 0)).toThrow(
      'maxChars must be an integer of at least 0; got -1.',
    );
  });
});
