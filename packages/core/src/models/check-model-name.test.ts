import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkModelName, nearestKnownModel } from './check-model-name.ts';

function refusal(model: string): InvalidArgumentError {
  try {
    checkModelName(model);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${model} was accepted`);
}

describe('checkModelName', () => {
  it('refuses a display name and names the nearest known model', () => {
    const error = refusal('Gemini 3 Flash');
    expect(error.argument).toBe('model');
    expect(error.message).toContain('"Gemini 3 Flash" is not a model id');
    expect(error.message).toContain("Did you mean 'gemini-3-flash-preview'?");
  });

  it.each([
    ['GEMINI-2.5-FLASH', 'lowercase', 'gemini-2.5-flash'],
    ['Gemini-2.5-Pro', 'lowercase', 'gemini-2.5-pro'],
    ['gemini 2.5 flash', 'no spaces', 'gemini-2.5-flash'],
    ['gemini-2.5-flash\n', 'no spaces', 'gemini-2.5-flash'],
    ['google/gemini-2.5-flash', 'no slashes', undefined],
    ['models/gemini-2.5-flash?alt=sse', "letters, digits, '.'", undefined],
    ['models/..', 'no slashes', undefined],
    ['', 'no spaces', undefined],
  ])('refuses %j: %s', (model, why, nearest) => {
    const error = refusal(model);
    expect(error.message).toContain(why);
    expect(error.message).toMatch(
      nearest === undefined ? /Did you mean 'gemini-[a-z0-9.-]+'\?/ : `Did you mean '${nearest}'?`,
    );
  });

  it.each([
    'gemini-2.5-flash',
    'models/gemini-3-flash-preview',
    // Well-formed ids the table does not know: a newer model, a tuned model, a gateway's alias.
    'gemini-9-pro',
    'gemini-2.5-flash-preview-09-2025',
    'tunedModels/my-tuned-model-1',
    'my_gateway.alias-2',
  ])('accepts %j', (model) => {
    expect(() => checkModelName(model)).not.toThrow();
  });

  it('accepts capital letters only when told to (a gateway alias with declared capabilities)', () => {
    expect(() => checkModelName('Corp-Gemini-Large', { allowUppercase: true })).not.toThrow();
    expect(() => checkModelName('Corp Gemini', { allowUppercase: true })).toThrow(/no spaces/);
  });

  it('names the argument it was given', () => {
    expect(() => checkModelName('a b', { argument: 'fallbackModel' })).toThrow(
      /^fallbackModel "a b"/,
    );
  });
});

describe('nearestKnownModel', () => {
  it('finds typos by edit distance and a shortened name by its prefix', () => {
    expect(nearestKnownModel('gemini-2.5-flahs')).toBe('gemini-2.5-flash');
    expect(nearestKnownModel('gemini-3-pro')).toBe('gemini-3-pro-preview');
    expect(nearestKnownModel('Gemini_3.1_Pro_Preview')).toBe('gemini-3.1-pro-preview');
  });

  it('stays cheap for a huge hostile name', () => {
    expect(typeof nearestKnownModel('x'.repeat(1_000_000))).toBe('string');
  });
});
