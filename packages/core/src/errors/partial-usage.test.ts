import { describe, expect, it } from 'vitest';
import { GemloopError } from './gemloop-error.ts';
import { attachPartialUsage } from './partial-usage.ts';
import { TimeoutError } from './timeout-error.ts';

const usage = { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 14 };

describe('attachPartialUsage', () => {
  it('marks the usage a cut stream reported as partial, on the error itself', () => {
    const error = new TimeoutError({ timeoutMs: 100, operation: 'streamGenerateContent' });
    expect(attachPartialUsage(error, usage)).toBe(error);
    expect(error.partialUsage).toEqual({ ...usage, partial: true });
    // A copy: the caller's object is not marked.
    expect(usage).not.toHaveProperty('partial');
  });

  it('shows the partial usage in the log view of the error', () => {
    const error = attachPartialUsage(new GemloopError({ message: 'cut' }), usage);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      partialUsage: { totalTokenCount: 14, partial: true },
    });
  });

  it('keeps the first usage attached: an outer layer does not overwrite what the stream saw', () => {
    const error = attachPartialUsage(new GemloopError({ message: 'cut' }), usage);
    attachPartialUsage(error, { totalTokenCount: 999 });
    expect(error.partialUsage?.totalTokenCount).toBe(14);
  });

  it('leaves an error alone without usage, and anything that is not a gemloop error', () => {
    const plain = new Error('x');
    expect(attachPartialUsage(plain, usage)).toBe(plain);
    expect(plain).not.toHaveProperty('partialUsage');
    const error = new GemloopError({ message: 'x' });
    attachPartialUsage(error, undefined);
    expect(error.partialUsage).toBeUndefined();
    expect(attachPartialUsage('text', usage)).toBe('text');
  });
});
