import { describe, expect, it } from 'vitest';
import {
  hasNonEmptyText,
  isBase64,
  isJsonObject,
  isSignatureOnlyPart,
  readField,
  readRole,
  setsOnly,
} from './part-fields.ts';

describe('readField', () => {
  it('prefers the camelCase field and falls back to the snake_case one', () => {
    expect(readField({ functionCall: 1, function_call: 2 }, 'functionCall', 'function_call')).toBe(
      1,
    );
    expect(readField({ function_call: 2 }, 'functionCall', 'function_call')).toBe(2);
  });

  it('reads null as unset in either spelling (proto3 JSON), so the other one counts', () => {
    expect(
      readField({ functionCall: null, function_call: 2 }, 'functionCall', 'function_call'),
    ).toBe(2);
    expect(readField({ function_call: null }, 'functionCall', 'function_call')).toBeUndefined();
    expect(readField({}, 'functionCall', 'function_call')).toBeUndefined();
  });
});

describe('the part readers', () => {
  it('isJsonObject is true for plain objects only', () => {
    expect([{}, Object.create(null)].map(isJsonObject)).toEqual([true, true]);
    expect([[], null, 'x', 1, undefined].map(isJsonObject)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('readRole reads a missing or null role as user, as the API does', () => {
    expect(readRole({})).toBe('user');
    expect(readRole({ role: null })).toBe('user');
    expect(readRole({ role: 'model' })).toBe('model');
    expect(readRole({ role: 'assistant' })).toBe('assistant');
  });

  it('hasNonEmptyText finds a text part among others, and ignores empty and non-string texts', () => {
    expect(hasNonEmptyText({ parts: [{ functionResponse: {} }, { text: 'q' }] })).toBe(true);
    expect(hasNonEmptyText({ parts: [{ text: '' }, { text: 5 }, null] })).toBe(false);
    expect(hasNonEmptyText({ parts: 'text' })).toBe(false);
  });

  it('isSignatureOnlyPart: a signature with nothing else but thought, in either spelling', () => {
    expect(isSignatureOnlyPart({ thoughtSignature: 'c2ln' })).toBe(true);
    expect(isSignatureOnlyPart({ thought_signature: 'c2ln', thought: true, text: null })).toBe(
      true,
    );
    expect(isSignatureOnlyPart({ thoughtSignature: '' })).toBe(false);
    expect(isSignatureOnlyPart({ thoughtSignature: 'c2ln', text: '' })).toBe(false);
    expect(isSignatureOnlyPart({})).toBe(false);
  });

  it('setsOnly ignores keys set to null or undefined', () => {
    const keys = new Set(['a']);
    expect(setsOnly({ a: 1, b: null, c: undefined }, keys)).toBe(true);
    expect(setsOnly({ a: 1, b: 0 }, keys)).toBe(false);
  });
});

describe('isBase64', () => {
  it('takes standard and URL-safe base64, padded or not, as the API does', () => {
    for (const value of ['', 'c2ln', 'c2lnbg==', 'c2lnbmE=', 'c2lnbg', 'a+/b', 'a-_b']) {
      expect(isBase64(value), value).toBe(true);
    }
  });

  it('refuses other characters, misplaced padding and a length no encoding gives', () => {
    for (const value of ['c2ln!', 'c2 l', 'a=bc', 'abc===', 'abcde', '=', '😀😀']) {
      expect(isBase64(value), value).toBe(false);
    }
  });
});
