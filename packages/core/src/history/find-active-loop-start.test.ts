import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../__fixtures__/recorded-gemini.ts';
import type { Content } from '../wire/content.ts';
import { findActiveLoopStart } from './find-active-loop-start.ts';
import { fillMissingThoughtSignatures } from './thought-signatures/fill-missing-thought-signatures.ts';
import {
  listRequiredThoughtSignatures,
  needsThoughtSignature,
} from './thought-signatures/list-required-thought-signatures.ts';
import { isThoughtSignatureBypass } from './thought-signatures/thought-signature-bypass.ts';

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const calls = (...names: string[]): Content => ({
  role: 'model',
  parts: names.map((name) => ({ functionCall: { name, args: {} } })),
});
const responses = (...names: string[]): Content => ({
  role: 'user',
  parts: names.map((name) => ({ functionResponse: { name, response: {} } })),
});

describe('findActiveLoopStart', () => {
  it('starts after the last user content that has text', () => {
    expect(findActiveLoopStart([user('a'), calls('f'), responses('f')])).toBe(1);
    expect(
      findActiveLoopStart([user('a'), calls('f'), responses('f'), user('b'), calls('g')]),
    ).toBe(4);
    expect(findActiveLoopStart([user('a')])).toBe(1);
  });

  it('skips function-response contents and empty text', () => {
    const contents = [
      user('a'),
      calls('f'),
      responses('f'),
      { role: 'user', parts: [{ text: '' }] },
    ];
    expect(findActiveLoopStart(contents)).toBe(1);
  });

  it('counts a content without a role as user, and model text as no boundary', () => {
    expect(findActiveLoopStart([{ parts: [{ text: 'q' }] }, calls('f')])).toBe(1);
    expect(findActiveLoopStart([user('q'), { role: 'model', parts: [{ text: 'x' }] }])).toBe(1);
  });

  it('returns 0 for garbage and for histories without user text', () => {
    expect(findActiveLoopStart(undefined)).toBe(0);
    expect(findActiveLoopStart('x')).toBe(0);
    expect(findActiveLoopStart([null, 3, { role: 'user', parts: 'x' }])).toBe(0);
    expect(findActiveLoopStart([calls('f'), responses('f')])).toBe(0);
  });

  it('finds the loop of a recorded snake_case request', () => {
    const body = readFixtureJson<{ contents: unknown[] }>(
      'requests/gemini3-flash__snake-case-function_call-with-camel-thoughtSignature.request.json',
    );
    expect(findActiveLoopStart(body.contents)).toBe(1);
    expect(listRequiredThoughtSignatures(body.contents)).toEqual([
      // parts[0] is an empty text part; the call is parts[1].
      { contentIndex: 1, partIndex: 1, signed: true },
    ]);
  });
});

describe('listRequiredThoughtSignatures', () => {
  it('lists the first call of every model turn in the active loop only', () => {
    const contents = [
      user('old'),
      calls('x'),
      responses('x'),
      user('new'),
      calls('a', 'b'),
      responses('a', 'b'),
      calls('c'),
    ];
    expect(listRequiredThoughtSignatures(contents)).toEqual([
      { contentIndex: 4, partIndex: 0, signed: false },
      { contentIndex: 6, partIndex: 0, signed: false },
    ]);
    expect(needsThoughtSignature(contents)).toBe(true);
    expect(needsThoughtSignature([user('q')])).toBe(false);
    expect(needsThoughtSignature(null)).toBe(false);
  });

  it('treats an empty signature as missing', () => {
    const contents = [
      user('q'),
      { role: 'model', parts: [{ functionCall: { name: 'f' }, thoughtSignature: '' }] },
    ];
    expect(needsThoughtSignature(contents)).toBe(true);
  });
});

describe('fillMissingThoughtSignatures', () => {
  it('signs only the unsigned first calls and leaves the input untouched', () => {
    const signed: Content = {
      role: 'model',
      parts: [{ functionCall: { name: 'a', args: {} }, thoughtSignature: 'real' }],
    };
    const contents: Content[] = [
      user('q'),
      signed,
      responses('a'),
      calls('b', 'c'),
      responses('b', 'c'),
    ];
    const snapshot = structuredClone(contents);
    const filled = fillMissingThoughtSignatures(contents);
    expect(contents).toEqual(snapshot);
    expect(filled[1]).toBe(signed);
    expect(filled[3]?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
    expect(filled[3]?.parts[1]?.thoughtSignature).toBeUndefined();
    expect(needsThoughtSignature(filled)).toBe(false);
  });

  it('returns the same array when nothing is missing', () => {
    const contents = [user('q')];
    expect(fillMissingThoughtSignatures(contents)).toBe(contents);
  });

  it('replaces an empty snake_case signature instead of adding a duplicate field', () => {
    const contents = [
      user('q'),
      { role: 'model', parts: [{ function_call: { name: 'f' }, thought_signature: '' }] },
    ] as unknown as Content[];
    const part = fillMissingThoughtSignatures(contents)[1]?.parts[0] as Record<string, unknown>;
    expect(part).toEqual({
      function_call: { name: 'f' },
      thoughtSignature: 'skip_thought_signature_validator',
    });
  });
});

describe('isThoughtSignatureBypass', () => {
  it('recognises the literal and base64 sentinels only', () => {
    expect(isThoughtSignatureBypass('skip_thought_signature_validator')).toBe(true);
    expect(isThoughtSignatureBypass('c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=')).toBe(true);
    expect(isThoughtSignatureBypass('context_engineering_is_the_way_to_go')).toBe(true);
    expect(isThoughtSignatureBypass('EqwCCqkCAQw51sdT')).toBe(false);
    expect(isThoughtSignatureBypass(undefined)).toBe(false);
  });
});
