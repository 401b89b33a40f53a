import { describe, expect, it } from 'vitest';
import type { Content } from '../../wire/content.ts';
import {
  listRequiredThoughtSignatures,
  needsThoughtSignature,
} from './list-required-thought-signatures.ts';
import { stripForeignThoughtSignatures } from './strip-foreign-thought-signatures.ts';
import {
  CONTEXT_ENGINEERING_THOUGHT_SIGNATURE,
  isThoughtSignatureBypass,
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
} from './thought-signature-bypass.ts';

describe('isThoughtSignatureBypass', () => {
  it('knows both documented sentinels, as text and as base64 with or without padding', () => {
    expect(isThoughtSignatureBypass(SKIP_THOUGHT_SIGNATURE_VALIDATOR)).toBe(true);
    expect(isThoughtSignatureBypass(CONTEXT_ENGINEERING_THOUGHT_SIGNATURE)).toBe(true);
    const base64 = Buffer.from(SKIP_THOUGHT_SIGNATURE_VALIDATOR).toString('base64');
    expect(isThoughtSignatureBypass(base64)).toBe(true);
    expect(isThoughtSignatureBypass(base64.replace(/=+$/, ''))).toBe(true);
    expect(
      isThoughtSignatureBypass(
        Buffer.from(CONTEXT_ENGINEERING_THOUGHT_SIGNATURE).toString('base64'),
      ),
    ).toBe(true);
  });

  it('is false for a real signature, another spelling, and what is not a string', () => {
    for (const value of [
      'c2lnbmF0dXJl',
      'SKIP_THOUGHT_SIGNATURE_VALIDATOR',
      ` ${SKIP_THOUGHT_SIGNATURE_VALIDATOR}`,
      '',
      null,
      undefined,
      1,
      {},
    ]) {
      expect(isThoughtSignatureBypass(value)).toBe(false);
    }
  });
});

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const callTurn = (signature?: string): Content => ({
  role: 'model',
  parts: [
    { text: 'Let me check' },
    {
      functionCall: { name: 'lookup', args: {} },
      ...(signature === undefined ? {} : { thoughtSignature: signature }),
    },
    { functionCall: { name: 'lookup', args: {} } },
  ],
});
const responseTurn: Content = {
  role: 'user',
  parts: [
    { functionResponse: { name: 'lookup', response: {} } },
    { functionResponse: { name: 'lookup', response: {} } },
  ],
};

describe('listRequiredThoughtSignatures', () => {
  it('points at the first call part of each model turn since the last user text', () => {
    const contents = [
      user('one'),
      callTurn('c2ln'),
      responseTurn,
      user('two'),
      callTurn(),
      responseTurn,
      callTurn('c2ln'),
    ];
    expect(listRequiredThoughtSignatures(contents)).toEqual([
      { contentIndex: 4, partIndex: 1, signed: false },
      { contentIndex: 6, partIndex: 1, signed: true },
    ]);
    expect(needsThoughtSignature(contents)).toBe(true);
  });

  it('needs nothing once every first call is signed, or before any call', () => {
    expect(needsThoughtSignature([user('q'), callTurn('c2ln'), responseTurn])).toBe(false);
    expect(needsThoughtSignature([user('q')])).toBe(false);
    expect(needsThoughtSignature('not a list')).toBe(false);
  });

  it('takes a user turn of only function responses as part of the loop, not its start', () => {
    expect(
      listRequiredThoughtSignatures([user('q'), callTurn(), responseTurn, callTurn()]),
    ).toHaveLength(2);
  });
});

describe('stripForeignThoughtSignatures', () => {
  it('strips the turns another model wrote, in place, and counts the turns and models', () => {
    const contents = [
      user('q'),
      callTurn('c2ln'),
      responseTurn,
      callTurn('c2ln'),
      callTurn('c2ln'),
    ];
    const mine = contents[4];
    const report = stripForeignThoughtSignatures(contents, [
      undefined,
      'gemini-2.5-pro',
      'gemini-2.5-pro',
      'unknown',
      undefined,
    ]);
    expect(report).toEqual({ models: ['gemini-2.5-pro', 'unknown'], turns: 2 });
    expect(contents[1]?.parts[1]?.thoughtSignature).toBeUndefined();
    expect(contents[3]?.parts[1]?.thoughtSignature).toBeUndefined();
    expect(contents[4]).toBe(mine);
    expect(contents[2]).toBe(responseTurn);
  });

  it('reports nothing when no producer is foreign', () => {
    const contents = [user('q'), callTurn('c2ln')];
    expect(stripForeignThoughtSignatures(contents, [undefined, undefined])).toBeUndefined();
    expect(contents[1]?.parts[1]?.thoughtSignature).toBe('c2ln');
  });
});
