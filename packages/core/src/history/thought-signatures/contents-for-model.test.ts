import { describe, expect, it } from 'vitest';
import type { Content } from '../../wire/content.ts';
import { contentsForModel } from './contents-for-model.ts';

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const calls = (signature: string): Content => ({
  role: 'model',
  parts: [
    { functionCall: { name: 'a', args: {} }, thoughtSignature: signature },
    { functionCall: { name: 'b', args: {} } },
  ],
});
const answers: Content = {
  role: 'user',
  parts: [
    { functionResponse: { name: 'a', response: {} } },
    { functionResponse: { name: 'b', response: {} } },
  ],
};

describe('contentsForModel', () => {
  const fromA = calls('sig-of-a');
  const fromB = calls('sig-of-b');
  const history = [user('Go.'), fromA, answers, fromB, answers];
  const producers = new Map<Content, string>([
    [fromA, 'gemini-3-flash-preview'],
    [fromB, 'gemini-3-pro-preview'],
  ]);
  const producerOf = (content: Content) => producers.get(content) ?? 'gemini-3-flash-preview';

  it('sends the same array when the receiving model wrote every model turn', () => {
    const own = [user('Go.'), fromA, answers];
    expect(contentsForModel(own, 'gemini-3-flash-preview', producerOf, true)).toBe(own);
  });

  it('leaves out the other model’s signatures, puts the dummy on the first call of its turns, keeps its own', () => {
    const sent = contentsForModel(history, 'gemini-3-pro-preview', producerOf, true);
    expect(sent[1]?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
    // Only the first call of a turn: parallel calls after it never carry one.
    expect(sent[1]?.parts[1]?.thoughtSignature).toBeUndefined();
    expect(sent[3]).toBe(fromB);
    // The history given is never changed.
    expect(fromA.parts[0]?.thoughtSignature).toBe('sig-of-a');
    expect(history[1]).toBe(fromA);
  });

  it('puts no dummy for a model that requires no signatures (Gemini 2.5): it only leaves them out', () => {
    const sent = contentsForModel(history, 'gemini-2.5-flash', producerOf, false);
    expect(sent[1]?.parts[0]?.thoughtSignature).toBeUndefined();
    expect(sent[3]?.parts[0]?.thoughtSignature).toBeUndefined();
    expect(sent[0]).toBe(history[0]);
  });
});
