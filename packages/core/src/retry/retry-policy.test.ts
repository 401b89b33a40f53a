import { describe, expect, it } from 'vitest';
import type { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { computeBackoffDelay } from './compute-backoff-delay.ts';
import { DEFAULT_RETRY_POLICY, NO_RETRIES, resolveRetryPolicy } from './retry-policy.ts';

describe('resolveRetryPolicy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxRetries: 3,
      initialDelayMs: 1000,
      maxDelayMs: 30_000,
      factor: 2,
      jitter: true,
      maxServerDelayMs: 60_000,
    });
  });

  it('merges fields over the base, and turns retries off with false', () => {
    const client = resolveRetryPolicy(
      { maxRetries: 5, jitter: false },
      DEFAULT_RETRY_POLICY,
      'retry',
    );
    expect(resolveRetryPolicy({ initialDelayMs: 10 }, client, 'options.retry')).toMatchObject({
      maxRetries: 5,
      jitter: false,
      initialDelayMs: 10,
    });
    expect(resolveRetryPolicy(false, client, 'retry')).toBe(NO_RETRIES);
  });

  it('rejects bad values naming the field', () => {
    for (const [options, argument] of [
      [{ maxRetries: 1.5 }, 'retry.maxRetries'],
      [{ initialDelayMs: Number.NaN }, 'retry.initialDelayMs'],
      [{ factor: 0.5 }, 'retry.factor'],
      [{ jitter: 'yes' }, 'retry.jitter'],
      [{ maxServerDelayMs: -1 }, 'retry.maxServerDelayMs'],
      [{ maxDelay: 5 }, 'retry.maxDelay'],
    ] as const) {
      expect(() => resolveRetryPolicy(options as never, DEFAULT_RETRY_POLICY, 'retry')).toThrow(
        expect.objectContaining({ argument }) as InvalidArgumentError,
      );
    }
  });
});

describe('computeBackoffDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, jitter: false };

  it('doubles from initialDelayMs and caps at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => computeBackoffDelay(policy, retry))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('spreads jittered delays between half and one and a half times the nominal value', () => {
    const jittered = { ...policy, jitter: true };
    expect(computeBackoffDelay(jittered, 2, () => 0)).toBe(1000);
    expect(computeBackoffDelay(jittered, 2, () => 0.999)).toBe(2998);
    expect(computeBackoffDelay(jittered, 6, () => 0.999)).toBe(30_000);
  });
});
