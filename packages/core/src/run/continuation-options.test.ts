import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  CONTINUATION_DEFAULTS,
  continuationOptionCheck,
  DEFAULT_MAX_CONTINUATION_HOPS,
  DEFAULT_MAX_CONTINUATION_RECONNECTS,
  resolveContinuation,
} from './continuation-options.ts';

function refusal(value: unknown): InvalidArgumentError {
  try {
    continuationOptionCheck(value, 'createAgent({ continuation })');
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('resolveContinuation', () => {
  it('is on by default, with the documented bounds', () => {
    expect(resolveContinuation(undefined)).toEqual({
      enabled: true,
      maxHops: DEFAULT_MAX_CONTINUATION_HOPS,
      maxReconnects: DEFAULT_MAX_CONTINUATION_RECONNECTS,
    });
    expect(resolveContinuation(true)).toEqual(resolveContinuation(undefined));
    expect(DEFAULT_MAX_CONTINUATION_HOPS).toBe(256);
    expect(DEFAULT_MAX_CONTINUATION_RECONNECTS).toBe(3);
  });

  it('turns off with false, keeping the bounds', () => {
    expect(resolveContinuation(false)).toEqual({ ...CONTINUATION_DEFAULTS, enabled: false });
  });

  it('takes each given field over the default, and ignores undefined ones', () => {
    expect(resolveContinuation({ maxHops: 16 })).toEqual({ ...CONTINUATION_DEFAULTS, maxHops: 16 });
    expect(resolveContinuation({ maxReconnects: 0, maxHops: undefined })).toEqual({
      ...CONTINUATION_DEFAULTS,
      maxReconnects: 0,
    });
    expect(resolveContinuation({ enabled: false }).enabled).toBe(false);
  });

  it('returns a fresh object: changing it leaves the defaults alone', () => {
    const settings = resolveContinuation(undefined);
    settings.maxHops = 1;
    expect(CONTINUATION_DEFAULTS.maxHops).toBe(DEFAULT_MAX_CONTINUATION_HOPS);
    expect(resolveContinuation(undefined).maxHops).toBe(DEFAULT_MAX_CONTINUATION_HOPS);
  });

  it('does not take a key planted through __proto__ as an option', () => {
    const planted = JSON.parse('{"__proto__": {"maxHops": 1}}') as object;
    expect(resolveContinuation(planted).maxHops).toBe(DEFAULT_MAX_CONTINUATION_HOPS);
  });
});

describe('continuationOptionCheck', () => {
  it('accepts true, false, and the bounds at their ends', () => {
    for (const value of [
      true,
      false,
      {},
      { maxHops: 1 },
      { maxHops: 10_000 },
      { maxReconnects: 0 },
      { maxReconnects: 100 },
      { enabled: true },
    ]) {
      expect(() => continuationOptionCheck(value, 'continuation')).not.toThrow();
    }
  });

  it('refuses hops and reconnects past their bounds, naming the field and the range', () => {
    const hops = refusal({ maxHops: 0 });
    expect(hops.message).toContain('maxHops must be an integer from 1 to 10000; got 0');
    expect(refusal({ maxHops: 10_001 }).message).toContain('from 1 to 10000');
    expect(refusal({ maxHops: 1.5 }).message).toContain('maxHops must be an integer');
    expect(refusal({ maxHops: Number.POSITIVE_INFINITY }).message).toContain('maxHops');
    expect(refusal({ maxReconnects: -1 }).message).toContain(
      'maxReconnects must be an integer from 0 to 100',
    );
    expect(refusal({ maxReconnects: '3' }).message).toContain('maxReconnects');
  });

  it('refuses a non-boolean enabled and a value that is not an object', () => {
    expect(refusal({ enabled: 'yes' }).message).toContain('enabled must be true or false.');
    for (const value of ['on', 1, null]) refusal(value);
  });

  it('refuses an unknown key, suggesting the one meant', () => {
    const error = refusal({ maxHop: 3 });
    expect(error.message).toContain('maxHop');
    expect(error.message).toContain('maxHops');
  });
});
