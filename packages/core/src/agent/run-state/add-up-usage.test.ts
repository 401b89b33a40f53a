import { describe, expect, it } from 'vitest';
import { addUpUsage } from './add-up-usage.ts';

describe('addUpUsage', () => {
  it('leaves a usage that adds up, or has no total, as it is', () => {
    expect(
      addUpUsage({
        promptTokenCount: 10,
        candidatesTokenCount: 3,
        thoughtsTokenCount: 4,
        toolUsePromptTokenCount: 2,
        cachedContentTokenCount: 8,
        totalTokenCount: 19,
      }),
    ).toBeUndefined();
    expect(addUpUsage({ promptTokenCount: 10 })).toBeUndefined();
    expect(addUpUsage(undefined)).toBeUndefined();
    expect(addUpUsage(null)).toBeUndefined();
    expect(addUpUsage({ totalTokenCount: 0 })).toBeUndefined();
  });

  it('gives the tokens no count names to the prompt when it has no count, else to the answer', () => {
    expect(addUpUsage({ totalTokenCount: 100, candidatesTokenCount: 5 })).toEqual({
      totalTokenCount: 100,
      promptTokenCount: 95,
      candidatesTokenCount: 5,
    });
    expect(
      addUpUsage({ totalTokenCount: 100, promptTokenCount: 60, thoughtsTokenCount: 10 }),
    ).toEqual({
      totalTokenCount: 100,
      promptTokenCount: 60,
      thoughtsTokenCount: 10,
      candidatesTokenCount: 30,
    });
  });

  it('makes a total smaller than its counts their sum', () => {
    expect(
      addUpUsage({ totalTokenCount: 1, promptTokenCount: 60, candidatesTokenCount: 5 }),
    ).toEqual({
      totalTokenCount: 65,
      promptTokenCount: 60,
      candidatesTokenCount: 5,
    });
  });

  it('leaves a count that is no count to the pricing (a plugin made the response)', () => {
    const usage = { totalTokenCount: 100, promptTokenCount: -5 };
    expect(addUpUsage(usage)).toBeUndefined();
    expect(addUpUsage({ totalTokenCount: 100, promptTokenCount: '5' as never })).toBeUndefined();
  });
});
