import { describe, expect, it } from 'vitest';
import type { AgentUsage } from '../run/agent-result.ts';
import type { UsageMetadata } from '../wire/response.ts';
import { addAgentUsage, emptyUsage, toAgentUsage } from './usage.ts';

// A run's usage is what budgets, stop conditions and prices read: one response's metadata comes
// in many shapes (fields missing, extra fields, a gateway's garbage, a row read back), and a sum
// must never go down, turn NaN or take a field it does not own.

const KEYS: (keyof AgentUsage)[] = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'toolUsePromptTokenCount',
  'cachedContentTokenCount',
  'totalTokenCount',
];

describe('emptyUsage', () => {
  it('is six zeros, a new object each time', () => {
    const first = emptyUsage();
    expect(Object.keys(first)).toEqual(KEYS);
    expect(Object.values(first)).toEqual([0, 0, 0, 0, 0, 0]);
    first.totalTokenCount = 5;
    expect(emptyUsage().totalTokenCount).toBe(0);
  });
});

describe('toAgentUsage', () => {
  it('reads the six counts and leaves every other field of the metadata out', () => {
    const metadata = {
      promptTokenCount: 12,
      candidatesTokenCount: 3,
      thoughtsTokenCount: 4,
      toolUsePromptTokenCount: 5,
      cachedContentTokenCount: 6,
      totalTokenCount: 30,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
      trafficType: 'ON_DEMAND',
    } as UsageMetadata;
    expect(toAgentUsage(metadata)).toEqual({
      promptTokenCount: 12,
      candidatesTokenCount: 3,
      thoughtsTokenCount: 4,
      toolUsePromptTokenCount: 5,
      cachedContentTokenCount: 6,
      totalTokenCount: 30,
    });
  });

  it('is zeros for no metadata and 0 for each count left out', () => {
    expect(toAgentUsage(undefined)).toEqual(emptyUsage());
    expect(toAgentUsage({ totalTokenCount: 9 })).toEqual({ ...emptyUsage(), totalTokenCount: 9 });
  });

  it.each([
    ['negative', -5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '42' as unknown as number],
    ['null', null as unknown as number],
  ])('reads a %s count as 0', (_, value) => {
    const read = toAgentUsage({ promptTokenCount: value, totalTokenCount: 7 });
    expect(read.promptTokenCount).toBe(0);
    expect(read.totalTokenCount).toBe(7);
  });

  it('does not take a __proto__ key of the wire’s metadata as a count', () => {
    const metadata = JSON.parse('{"__proto__":{"totalTokenCount":999},"promptTokenCount":1}');
    expect(toAgentUsage(metadata)).toEqual({ ...emptyUsage(), promptTokenCount: 1 });
  });
});

describe('addAgentUsage', () => {
  it('adds each count in place', () => {
    const total = emptyUsage();
    addAgentUsage(total, { ...emptyUsage(), promptTokenCount: 2, totalTokenCount: 3 });
    addAgentUsage(total, { ...emptyUsage(), candidatesTokenCount: 4, totalTokenCount: 4 });
    expect(total).toEqual({
      ...emptyUsage(),
      promptTokenCount: 2,
      candidatesTokenCount: 4,
      totalTokenCount: 7,
    });
  });

  it('never lowers a sum nor makes it NaN with a count a hand-edited row holds', () => {
    const total = { ...emptyUsage(), totalTokenCount: 100 };
    addAgentUsage(total, {
      ...emptyUsage(),
      totalTokenCount: -90,
      promptTokenCount: Number.NaN,
      thoughtsTokenCount: undefined as unknown as number,
    });
    expect(total).toEqual({ ...emptyUsage(), totalTokenCount: 100 });
  });

  it('keeps a very large but finite count', () => {
    const total = emptyUsage();
    addAgentUsage(total, { ...emptyUsage(), totalTokenCount: 2 ** 52 });
    addAgentUsage(total, { ...emptyUsage(), totalTokenCount: 1 });
    expect(total.totalTokenCount).toBe(2 ** 52 + 1);
  });
});
