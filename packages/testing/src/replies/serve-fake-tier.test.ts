import { describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { FAKE_TIER_HEADER, resolveFakeTier } from './serve-fake-tier.ts';

// A request's serviceTier (`@google/genai` 2.x `ServiceTier`: unspecified, flex, standard,
// priority), read as the API's proto-JSON parser reads an enum: the name in either case, the
// field in either spelling; any other value is a 400.

const question = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

describe('resolveFakeTier', () => {
  it('serves nothing extra without a tier, or with null (proto3 JSON: unset)', () => {
    expect(resolveFakeTier(question, undefined)).toEqual({ ok: true, served: undefined });
    expect(resolveFakeTier({ ...question, serviceTier: null }, undefined)).toEqual({
      ok: true,
      served: undefined,
    });
  });

  it('serves a known tier in either case and either field spelling, unspecified as standard', () => {
    expect(resolveFakeTier({ serviceTier: 'FLEX' }, undefined)).toEqual({
      ok: true,
      served: 'flex',
    });
    expect(resolveFakeTier({ service_tier: 'priority' }, undefined)).toEqual({
      ok: true,
      served: 'priority',
    });
    expect(resolveFakeTier({ serviceTier: 'unspecified' }, undefined)).toEqual({
      ok: true,
      served: 'standard',
    });
  });

  it('lets a test simulate a fallback through serveTier', () => {
    expect(resolveFakeTier({ serviceTier: 'priority' }, () => 'standard')).toEqual({
      ok: true,
      served: 'standard',
    });
  });

  it.each([
    ['an unknown name', 'platinum', '"platinum"'],
    ['a list', ['flex'], '["flex"]'],
    ['an object', { tier: 'flex' }, '{"tier":"flex"}'],
  ])('refuses %s with the parser’s 400, in either field spelling', (_, tier, rendered) => {
    for (const body of [{ serviceTier: tier }, { service_tier: tier }]) {
      const result = resolveFakeTier(body, undefined);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.body.error).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: `Invalid value at 'service_tier' (type.googleapis.com/google.ai.generativelanguage.v1beta.ServiceTier), ${rendered}`,
      });
    }
  });
});

describe('the served tier on the wire', () => {
  it('reports the served tier in usageMetadata and in its header, streamed too', async () => {
    const fake = createFakeGemini({
      serveTier: (requested) => (requested === 'priority' ? 'standard' : requested),
    });
    const unary = await callFake(
      fake,
      { ...question, service_tier: 'priority' },
      { mode: 'unary' },
    );
    expect(unary.status).toBe(200);
    expect(unary.headers.get(FAKE_TIER_HEADER)).toBe('standard');
    expect(
      (unary.json as { usageMetadata: { serviceTier?: string } }).usageMetadata.serviceTier,
    ).toBe('standard');
    const streamed = await callFake(fake, { ...question, serviceTier: 'flex' }, { mode: 'sse' });
    expect(streamed.headers.get(FAKE_TIER_HEADER)).toBe('flex');
    expect(streamed.text).toContain('"serviceTier":"flex"');
    // Without a tier, no header and no field.
    const plain = await callFake(fake, question, { mode: 'unary' });
    expect(plain.headers.get(FAKE_TIER_HEADER)).toBeNull();
    expect(plain.text).not.toContain('serviceTier');
  });

  it('refuses a bad tier before the script runs', async () => {
    const fake = createFakeGemini();
    const refused = await callFake(fake, { ...question, serviceTier: 'platinum' });
    expect(refused.status).toBe(400);
    expect(fake.turnsDelivered).toBe(0);
  });
});
