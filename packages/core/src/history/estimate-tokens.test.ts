import { describe, expect, it } from 'vitest';
import { estimateTokens, MEDIA_PART_TOKENS } from './estimate-tokens.ts';

describe('estimateTokens', () => {
  it('rounds a partial four characters up, so a budget built on it errs towards sending less', () => {
    expect(estimateTokens('abcd')).toEqual({ text: 1, media: 0 });
    expect(estimateTokens('abcde')).toEqual({ text: 2, media: 0 });
    expect(estimateTokens('')).toEqual({ text: 0, media: 0 });
  });

  it('counts media parts at the flat image rate and skips signatures and empty media', () => {
    const parts = [
      { inlineData: { mimeType: 'image/png', data: 'x'.repeat(10_000) } },
      { inlineData: null },
      { text: 'ab', thoughtSignature: 'y'.repeat(10_000) },
    ];
    expect(estimateTokens(parts)).toEqual({ text: 1, media: MEDIA_PART_TOKENS });
  });
});
