import { getModelCapabilities } from '@gemloop/core/models';
import { describe, expect, it } from 'vitest';
import type { FakeState } from '../state/fake-state.ts';
import { resolveCapabilities } from './generate-fake-reply.ts';

// The capabilities the fake answers a model with: the model's own, or those the fake is told
// (gemini3: true/false, capabilities overrides), resolved once per model and bounded.

const stateWith = (options: Record<string, unknown> = {}) =>
  ({ options, capabilities: new Map() }) as unknown as FakeState;

describe('resolveCapabilities', () => {
  it('answers a model with its own capabilities by default', () => {
    expect(resolveCapabilities(stateWith(), 'gemini-2.5-pro')).toEqual(
      getModelCapabilities('gemini-2.5-pro'),
    );
    expect(resolveCapabilities(stateWith(), 'gemini-3-flash-preview')).toEqual(
      getModelCapabilities('gemini-3-flash-preview'),
    );
  });

  it('answers every model as Gemini 3 or as 2.5 when told', () => {
    expect(resolveCapabilities(stateWith({ gemini3: true }), 'my-alias')).toEqual(
      getModelCapabilities('gemini-3-flash-preview'),
    );
    expect(resolveCapabilities(stateWith({ gemini3: false }), 'gemini-3-pro-preview')).toEqual(
      getModelCapabilities('gemini-2.5-flash'),
    );
  });

  it('lays the capabilities option over the base', () => {
    const resolved = resolveCapabilities(
      stateWith({ gemini3: true, capabilities: { requiresThoughtSignatures: false } }),
      'x',
    );
    expect(resolved).toEqual({
      ...getModelCapabilities('gemini-3-flash-preview'),
      requiresThoughtSignatures: false,
    });
  });

  it('resolves a model once, the same object after', () => {
    const state = stateWith();
    const first = resolveCapabilities(state, 'gemini-2.5-flash');
    expect(resolveCapabilities(state, 'gemini-2.5-flash')).toBe(first);
  });

  it('keeps at most 256 models, and still answers the rest', () => {
    const state = stateWith();
    for (let index = 0; index < 300; index++) resolveCapabilities(state, `model-${index}`);
    expect(state.capabilities.size).toBe(256);
    expect(resolveCapabilities(state, 'model-299')).toEqual(getModelCapabilities('model-299'));
  });

  it('takes prototype names and odd strings as model names', () => {
    const state = stateWith();
    for (const model of ['__proto__', 'constructor', '', '😀']) {
      expect(resolveCapabilities(state, model), model).toEqual(getModelCapabilities(model));
    }
  });
});
