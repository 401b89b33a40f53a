import { describe, expect, it } from 'vitest';
import { countOptionReads } from './count-option-reads.ts';

describe('countOptionReads', () => {
  it('gives the values back through getters and counts each read by key', () => {
    const { options, reads } = countOptionReads({ maxSteps: 2, name: 'a' });
    expect(reads).toEqual({ maxSteps: 0, name: 0 });
    expect(options.maxSteps).toBe(2);
    expect(options.maxSteps).toBe(2);
    expect({ ...options }).toEqual({ maxSteps: 2, name: 'a' });
    expect(reads).toEqual({ maxSteps: 3, name: 1 });
  });

  it('counts a nested group into the same reads under its prefix', () => {
    const reads: Record<string, number> = {};
    const retry = countOptionReads({ maxRetries: 1 }, reads, 'retry.').options;
    const { options } = countOptionReads({ retry, timeoutMs: 5 }, reads);
    expect(options.retry.maxRetries).toBe(1);
    expect(reads).toEqual({ 'retry.maxRetries': 1, retry: 1, timeoutMs: 0 });
  });
});
