import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { getModelCapabilities } from '../../../models/model-capabilities.ts';
import type { ThinkingOption } from '../agent-options.ts';
import { resolveThinking } from './thinking.ts';

function thinkingFor(model: string, thinking: ThinkingOption) {
  return resolveThinking(thinking, model, getModelCapabilities(model));
}

describe('resolveThinking', () => {
  it.each<[ThinkingOption, object | undefined]>([
    ['off', { thinkingLevel: 'MINIMAL' }],
    ['minimal', { thinkingLevel: 'MINIMAL' }],
    ['low', { thinkingLevel: 'LOW' }],
    ['medium', { thinkingLevel: 'MEDIUM' }],
    ['high', { thinkingLevel: 'HIGH' }],
    ['dynamic', undefined],
    [{ budget: 0 }, { thinkingLevel: 'MINIMAL' }],
    [{ budget: 512 }, { thinkingLevel: 'LOW' }],
    [{ budget: 4096 }, { thinkingLevel: 'MEDIUM' }],
    [{ budget: 20000 }, { thinkingLevel: 'HIGH' }],
    [{ budget: -1 }, undefined],
    [
      { effort: 'low', includeThoughts: true },
      { thinkingLevel: 'LOW', includeThoughts: true },
    ],
  ])('maps %j to thinkingLevel on Gemini 3 Flash', (thinking, expected) => {
    expect(thinkingFor('gemini-3-flash-preview', thinking)).toEqual(expected);
  });

  it.each<[ThinkingOption, object | undefined]>([
    ['off', { thinkingBudget: 0 }],
    ['minimal', { thinkingBudget: 512 }],
    ['low', { thinkingBudget: 1024 }],
    ['medium', { thinkingBudget: 8192 }],
    ['high', { thinkingBudget: 24576 }],
    ['dynamic', { thinkingBudget: -1 }],
    [{ budget: 300 }, { thinkingBudget: 300 }],
    [{ includeThoughts: true }, { includeThoughts: true }],
  ])('maps %j to thinkingBudget on Gemini 2.5 Flash', (thinking, expected) => {
    expect(thinkingFor('gemini-2.5-flash', thinking)).toEqual(expected);
  });

  it("sends 'xhigh' as XHIGH on Gemini 4 Hydrogen only, as the highest level elsewhere with a warning", () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    for (const model of ['gemini-4-hydrogen', 'gemini-4-hydrogen-eap']) {
      expect(resolveThinking('xhigh', model, getModelCapabilities(model), warn)).toEqual({
        thinkingLevel: 'XHIGH',
      });
    }
    expect(warnings).toEqual([]);
    expect(
      resolveThinking('xhigh', 'gemini-4-argon', getModelCapabilities('gemini-4-argon'), warn),
    ).toEqual({
      thinkingLevel: 'HIGH',
    });
    expect(warnings[0]).toContain(
      'no thinking level above HIGH; sending thinkingLevel HIGH instead of XHIGH',
    );
    expect(
      resolveThinking('xhigh', 'gemini-2.5-flash', getModelCapabilities('gemini-2.5-flash'), warn),
    ).toEqual({
      thinkingBudget: 24576,
    });
    expect(warnings).toHaveLength(2);
    // Hydrogen starts at LOW (@ai-sdk/google google-model-catalog.ts): 'minimal' is raised.
    expect(thinkingFor('gemini-4-hydrogen', 'minimal')).toEqual({ thinkingLevel: 'LOW' });
  });

  it('never sends thinkingBudget to Gemini 3 nor thinkingLevel to Gemini 2.5', () => {
    for (const thinking of ['off', 'minimal', 'low', 'medium', 'high', 'dynamic'] as const) {
      expect(thinkingFor('gemini-3-flash-preview', thinking) ?? {}).not.toHaveProperty(
        'thinkingBudget',
      );
      expect(
        thinkingFor('gemini-2.5-pro', thinking === 'off' ? 'low' : thinking) ?? {},
      ).not.toHaveProperty('thinkingLevel');
    }
  });

  it('refuses to turn thinking off on Gemini 2.5 Pro, naming the lowest setting', () => {
    expect(() => thinkingFor('gemini-2.5-pro', 'off')).toThrow(
      /cannot turn thinking off.*at least 128/,
    );
    expect(() => thinkingFor('gemini-2.5-pro', { budget: 0 })).toThrow(InvalidArgumentError);
    expect(thinkingFor('gemini-3-pro-preview', 'low')).toEqual({ thinkingLevel: 'LOW' });
    expect(thinkingFor('gemini-2.5-pro', 'minimal')).toEqual({ thinkingBudget: 512 });
  });

  it('raises off and minimal on Gemini 3 Pro to LOW, its lowest level, with a warning (issue 13)', () => {
    const warnings: string[] = [];
    const capabilities = getModelCapabilities('gemini-3-pro-preview');
    for (const thinking of ['off', 'minimal'] as const) {
      expect(
        resolveThinking(thinking, 'gemini-3-pro-preview', capabilities, (message) =>
          warnings.push(message),
        ),
      ).toEqual({ thinkingLevel: 'LOW' });
    }
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("thinking: 'low'");
  });

  it('rejects thinking on a model without thinking settings, pointing at capabilities', () => {
    const error = (() => {
      try {
        thinkingFor('gemini-2.0-flash', 'low');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('thinking');
    expect((error as Error).message).toMatch(/capabilities\.thinking/);
    expect(
      resolveThinking('low', 'my-proxy', getModelCapabilities('my-proxy', { thinking: 'level' })),
    ).toEqual({
      thinkingLevel: 'LOW',
    });
  });

  it.each<[unknown, RegExp]>([
    ['max', /thinking must be one of 'off'/],
    [{ effort: 'low', budget: 10 }, /not both/],
    [{ budget: 1.5 }, /integer token count/],
    [{ budget: -2 }, /integer token count/],
    [{ level: 'LOW' }, /thinking\.level is not an option/],
    [{ includeThoughts: 'yes' }, /must be a boolean/],
    [42, /thinking must be one of/],
  ])('rejects %j', (thinking, message) => {
    expect(() => thinkingFor('gemini-2.5-flash', thinking as ThinkingOption)).toThrow(message);
  });
});
