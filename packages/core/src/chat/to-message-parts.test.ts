import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Part } from '../wire/content.ts';
import { toMessageParts } from './to-message-parts.ts';

// What `session.send(message)` takes: a text, the parts of one user message, or one user
// content. Anything else (an empty list of parts, a whole history, a model turn) is refused before
// anything is sent or stored, with a typed error that says what to send instead.

function refusal(message: unknown): InvalidArgumentError {
  try {
    toMessageParts(message as never);
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('toMessageParts', () => {
  it('passes a text through, whitespace, emoji and lone surrogates as they are', () => {
    for (const text of ['Hello', ' ', '😀', '\ud83d', 'x'.repeat(100_000)]) {
      expect(toMessageParts(text)).toBe(text);
    }
  });

  // A copy read once, at send() (leftovers72): a list whose reading throws is refused there, and
  // what the caller's list becomes while the send waits for the session no longer changes it; nor,
  // since chat68, what its parts become (the app filling the same part objects for its next
  // message rewrote the stored one: chat-message-reused.test.ts).
  it('passes the parts of a message as they are, read once at send()', () => {
    const parts: Part[] = [
      { text: 'Look:' },
      { inlineData: { mimeType: 'image/png', data: 'AA==' } },
    ];
    const taken = toMessageParts(parts);
    expect(taken).toEqual(parts);
    parts.push({ text: 'added later' });
    (parts[1]?.inlineData as { data: string }).data = 'BB==';
    expect(taken).toEqual([
      { text: 'Look:' },
      { inlineData: { mimeType: 'image/png', data: 'AA==' } },
    ]);
  });

  it("takes a user content's parts, with or without its role", () => {
    const parts: Part[] = [{ text: 'hi' }];
    expect(toMessageParts({ role: 'user', parts })).toEqual(parts);
    expect(toMessageParts({ parts })).toEqual(parts);
    const taken = toMessageParts({ parts });
    parts.push({ text: 'added later' });
    expect(taken).toEqual([{ text: 'hi' }]);
  });

  it('takes an empty text, which Gemini accepts as a user turn (a recorded request)', () => {
    expect(toMessageParts('')).toBe('');
  });

  it('refuses an empty list of parts, saying what to send', () => {
    expect(refusal([]).message).toContain("send text ('Hello') or parts");
  });

  it('refuses a user content with no parts, as it refuses an empty list', () => {
    const error = refusal({ role: 'user', parts: [] });
    expect(error.argument).toBe('message');
    expect(error.message).toContain('empty');
  });

  it('refuses a list of contents (a whole history), pointing at the store or run({ history })', () => {
    for (const history of [
      [
        { role: 'user', parts: [{ text: 'a' }] },
        { role: 'model', parts: [{ text: 'b' }] },
      ],
      [{ parts: [{ text: 'a' }] }],
      [{ role: 'user' }],
    ]) {
      const error = refusal(history);
      expect(error.message).toContain('not a list of contents');
      expect(error.message).toContain('agent.run(message, { history })');
    }
  });

  it('refuses a model content, naming the role', () => {
    const error = refusal({ role: 'model', parts: [{ text: 'I said' }] });
    expect(error.argument).toBe('message.role');
    expect(error.message).toContain('got a content with role "model"');
  });

  it('refuses a role that JSON cannot write with the typed error, not a TypeError', () => {
    expect(refusal({ role: 10n, parts: [{ text: 'x' }] }).argument).toBe('message.role');
    expect(refusal({ role: Symbol('r'), parts: [{ text: 'x' }] }).argument).toBe('message.role');
  });

  it('refuses other types, naming the type', () => {
    for (const [message, type] of [
      [null, 'null'],
      [undefined, 'undefined'],
      [42, 'number'],
      [{ text: 'a part, not a list' }, 'object'],
      [{ role: 'user', parts: 'text' }, 'object'],
    ] as const) {
      expect(refusal(message).message).toContain(`got ${type}`);
    }
  });
});
