import { describe, expect, it } from 'vitest';
import type { Content, Part } from '../../wire/content.ts';
import { fillModelTurnSignature } from './fill-model-turn-signature.ts';
import { isSameModel } from './is-same-model.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './thought-signature-bypass.ts';

const call = (name: string, extra: Partial<Part> = {}): Part => ({
  functionCall: { name, args: {} },
  ...extra,
});

describe('fillModelTurnSignature', () => {
  it('returns the same object when the first call is signed (the normal case)', () => {
    const content: Content = {
      role: 'model',
      parts: [call('a', { thoughtSignature: 'c2ln' }), call('b')],
    };
    expect(fillModelTurnSignature(content)).toBe(content);
  });

  it('returns the same object for a turn without calls', () => {
    const content: Content = { role: 'model', parts: [{ text: 'hi' }] };
    expect(fillModelTurnSignature(content)).toBe(content);
    const empty: Content = { role: 'model', parts: [] };
    expect(fillModelTurnSignature(empty)).toBe(empty);
  });

  it('signs only the first call, with the documented dummy, in a copy', () => {
    const content: Content = {
      role: 'model',
      parts: [{ text: 'thinking', thought: true }, call('a'), call('b')],
    };
    const signed = fillModelTurnSignature(content);
    expect(signed).not.toBe(content);
    expect(signed.parts[1]).toEqual(
      call('a', { thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR }),
    );
    expect(signed.parts[2]).toBe(content.parts[2]);
    expect(signed.parts[0]).toBe(content.parts[0]);
    // The model's own turn is never changed.
    expect(content.parts[1]).toEqual(call('a'));
  });

  it('treats an empty signature as missing', () => {
    const content: Content = { role: 'model', parts: [call('a', { thoughtSignature: '' })] };
    expect(fillModelTurnSignature(content).parts[0]?.thoughtSignature).toBe(
      SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    );
  });

  it('keeps a signature spelt thought_signature: adding the camelCase one would send the field twice', () => {
    const part = {
      functionCall: { name: 'a', args: {} },
      thought_signature: 'c2ln',
    } as unknown as Part;
    const content: Content = { role: 'model', parts: [part] };
    expect(fillModelTurnSignature(content)).toBe(content);
  });
});

describe('isSameModel', () => {
  it('ignores the models/ prefix on either side, and nothing else', () => {
    expect(isSameModel('models/gemini-3-pro-preview', 'gemini-3-pro-preview')).toBe(true);
    expect(isSameModel('gemini-3-pro-preview', 'models/gemini-3-pro-preview')).toBe(true);
    expect(isSameModel('models/a', 'models/a')).toBe(true);
    expect(isSameModel('gemini-3-pro-preview', 'gemini-3-flash-preview')).toBe(false);
    expect(isSameModel('tunedModels/a', 'a')).toBe(false);
    expect(isSameModel('Gemini-3', 'gemini-3')).toBe(false);
  });
});
