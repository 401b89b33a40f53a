import { describe, expect, it } from 'vitest';
import { LIVE_PRICES, liveCostOf } from './live-cost.ts';

// A report as the Live API sends it (shape from a user's raw capture, discuss.ai.google.dev
// t/188765): 25 prompt tokens not covered by the modality details, audio out, thinking.
const report = {
  promptTokenCount: 522,
  responseTokenCount: 42,
  totalTokenCount: 564,
  promptTokensDetails: [
    { modality: 'TEXT', tokenCount: 332 },
    { modality: 'AUDIO', tokenCount: 165 },
  ],
  responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 42 }],
  thoughtsTokenCount: 136,
};

describe('liveCostOf', () => {
  it('prices audio in and out apart from text, thinking at the text output rate', () => {
    expect(liveCostOf(report, 'models/gemini-3.1-flash-live-preview')).toEqual({
      currency: 'USD',
      // 357 text/other tokens x $0.75, 165 audio x $3.00, 42 audio out x $12.00, 136 thoughts x $4.50.
      input: '0.00026775',
      audioInput: '0.000495',
      output: '0',
      audioOutput: '0.000504',
      thinking: '0.000612',
      total: '0.00187875',
    });
  });

  it('prices text output at the text rate, and never more audio than the count', () => {
    const cost = liveCostOf(
      {
        promptTokenCount: 10,
        responseTokenCount: 100,
        promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 9999 }],
        responseTokensDetails: [{ modality: 'TEXT', tokenCount: 100 }],
      },
      'gemini-3.1-flash-live-preview',
    );
    expect(cost).toMatchObject({ input: '0', audioInput: '0.00003', output: '0.00045' });
  });

  it('says the cost is unknown for a model without a price, and takes prices of your own', () => {
    expect(liveCostOf(report, 'gemini-live-test')).toMatchObject({
      total: null,
      audioInput: null,
      unknown: expect.stringContaining('gemini-live-test'),
    });
    const own = {
      'gemini-live-test': { ...LIVE_PRICES['gemini-3.1-flash-live-preview']!, audioOutput: '1' },
    };
    expect(liveCostOf(report, 'gemini-live-test', own).audioOutput).toBe('0.000042');
  });

  it('ignores hostile counts (negative, fractional, strings) instead of pricing them', () => {
    expect(
      liveCostOf(
        {
          promptTokenCount: -5,
          responseTokenCount: 1.5,
          thoughtsTokenCount: '7' as unknown as number,
        },
        'gemini-3.1-flash-live-preview',
      ).total,
    ).toBe('0');
  });
});
