import { describe, expect, it } from 'vitest';
import { readServiceTier } from './read-service-tier.ts';
import type { GenerateContentResponse } from './response.ts';
import { SERVICE_TIER_HEADER } from './service-tier.ts';

const answered = (serviceTier: unknown): GenerateContentResponse =>
  ({ usageMetadata: { totalTokenCount: 3, serviceTier } }) as GenerateContentResponse;

describe('readServiceTier', () => {
  it('reads the tier the body reports, before the header', () => {
    const headers = new Headers({ [SERVICE_TIER_HEADER]: 'priority' });
    expect(readServiceTier(answered('standard'), headers)).toBe('standard');
  });

  it('falls back to the header when the body names no tier, the header name in any case', () => {
    expect(
      readServiceTier(answered(undefined), new Headers({ 'X-Gemini-Service-Tier': 'flex' })),
    ).toBe('flex');
    expect(readServiceTier(undefined, new Headers({ [SERVICE_TIER_HEADER]: 'priority' }))).toBe(
      'priority',
    );
  });

  it('skips an empty or non-string tier in the body (a gateway’s) for the header', () => {
    const headers = new Headers({ [SERVICE_TIER_HEADER]: 'standard' });
    for (const value of ['', 7, null, { tier: 'x' }]) {
      expect(readServiceTier(answered(value), headers)).toBe('standard');
    }
  });

  it('is undefined when neither says (Vertex reports no tier)', () => {
    expect(readServiceTier(answered(undefined))).toBeUndefined();
    expect(readServiceTier({}, new Headers())).toBeUndefined();
    expect(readServiceTier({}, new Headers({ [SERVICE_TIER_HEADER]: '' }))).toBeUndefined();
  });

  it('keeps a tier Gemini adds later as it came', () => {
    expect(readServiceTier(answered('batch-lite'))).toBe('batch-lite');
  });
});
