import { describe, expect, it } from 'vitest';
import type { Content } from '../../wire/content.ts';
import { fillMissingThoughtSignatures } from './fill-missing-thought-signatures.ts';
import {
  listRequiredThoughtSignatures,
  needsThoughtSignature,
} from './list-required-thought-signatures.ts';
import { prepareThoughtSignatures } from './prepare-thought-signatures.ts';
import { stripForeignThoughtSignatures } from './strip-foreign-thought-signatures.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './thought-signature-bypass.ts';

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const calls = (signature?: string): Content => ({
  role: 'model',
  parts: [
    { text: 'Let me look.' },
    {
      functionCall: { name: 'weather', args: { city: 'Paris' } },
      ...(signature === undefined ? {} : { thoughtSignature: signature }),
    },
    { functionCall: { name: 'time', args: {} } },
  ],
});
const responses: Content = {
  role: 'user',
  parts: [
    { functionResponse: { name: 'weather', response: { c: 18 } } },
    { functionResponse: { name: 'time', response: { t: '12:00' } } },
  ],
};

describe('listRequiredThoughtSignatures', () => {
  it('lists the first call of each model turn of the active loop only', () => {
    const history = [
      user('old question'),
      calls(),
      responses,
      user('Weather?'),
      calls(),
      responses,
      calls('sig'),
    ];
    expect(listRequiredThoughtSignatures(history)).toEqual([
      { contentIndex: 4, partIndex: 1, signed: false },
      { contentIndex: 6, partIndex: 1, signed: true },
    ]);
    expect(needsThoughtSignature(history)).toBe(true);
  });

  it('reads an empty signature as missing, and snake_case fields as the API does', () => {
    const snake = {
      role: 'model',
      parts: [{ function_call: { name: 'weather', args: {} }, thought_signature: 'sig' }],
    } as unknown as Content;
    expect(listRequiredThoughtSignatures([user('q'), calls('')])[0]?.signed).toBe(false);
    expect(listRequiredThoughtSignatures([user('q'), snake])[0]?.signed).toBe(true);
  });

  it('never throws on what is not a history', () => {
    for (const value of [
      undefined,
      null,
      'text',
      {},
      [null, 42, { role: 'model', parts: 'x' }, { role: 'model', parts: [null] }],
    ]) {
      expect(listRequiredThoughtSignatures(value)).toEqual([]);
    }
  });
});

describe('fillMissingThoughtSignatures', () => {
  it('signs each unsigned first call with the documented dummy, copy-on-write', () => {
    const unsigned = calls();
    const history = [user('Weather?'), unsigned, responses, calls('real')];
    const filled = fillMissingThoughtSignatures(history);
    expect(filled).not.toBe(history);
    expect(filled[1]?.parts[1]).toMatchObject({
      thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    });
    // The parallel call and the real signature are left alone; nothing given was changed.
    expect(filled[1]?.parts[2]).toBe(unsigned.parts[2]);
    expect(filled[3]).toBe(history[3]);
    expect(unsigned.parts[1]).not.toHaveProperty('thoughtSignature');
  });

  it('returns the same array when nothing is missing, and takes another value', () => {
    const history = [user('Weather?'), calls('real'), responses];
    expect(fillMissingThoughtSignatures(history)).toBe(history);
    const filled = fillMissingThoughtSignatures([user('q'), calls()], {
      signature: 'context_engineering_is_the_way_to_go',
    });
    expect(filled[1]?.parts[1]?.thoughtSignature).toBe('context_engineering_is_the_way_to_go');
  });

  it('drops an empty snake_case signature beside the new one (a duplicate proto field)', () => {
    const part = { functionCall: { name: 'weather', args: {} }, thought_signature: '' };
    const filled = fillMissingThoughtSignatures([
      user('q'),
      { role: 'model', parts: [part] } as Content,
    ]);
    expect(filled[1]?.parts[0]).toEqual({
      functionCall: { name: 'weather', args: {} },
      thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    });
  });
});

describe('stripForeignThoughtSignatures', () => {
  it("removes the signatures of other models' turns in place, counting turns and naming models", () => {
    const contents = [
      user('q'),
      calls('from-pro'),
      responses,
      calls('from-flash'),
      responses,
      calls('own'),
    ];
    const original = contents[1];
    const foreign = stripForeignThoughtSignatures(contents, [
      undefined,
      'gemini-2.5-pro',
      undefined,
      'gemini-2.5-flash',
      undefined,
      undefined,
    ]);
    expect(foreign).toEqual({ models: ['gemini-2.5-pro', 'gemini-2.5-flash'], turns: 2 });
    expect(contents[1]?.parts[1]).not.toHaveProperty('thoughtSignature');
    expect(contents[5]?.parts[1]).toHaveProperty('thoughtSignature', 'own');
    // The content object given was copied, not changed.
    expect(original?.parts[1]).toHaveProperty('thoughtSignature', 'from-pro');
  });

  it('reports nothing when the foreign turns had no signature', () => {
    const contents = [user('q'), calls(), responses];
    expect(stripForeignThoughtSignatures(contents, [undefined, 'other'])).toBeUndefined();
  });
});

describe('prepareThoughtSignatures', () => {
  it("strips another model's signatures, then signs what Gemini 3 requires with the dummy", () => {
    const contents = [user('Weather?'), calls('from-other-model'), responses];
    const prepared = prepareThoughtSignatures(contents, {
      producers: [undefined, 'gemini-2.5-pro', undefined],
      requiresThoughtSignatures: true,
    });
    expect(prepared.foreign).toEqual({ models: ['gemini-2.5-pro'], turns: 1 });
    expect(prepared.filled).toEqual([{ contentIndex: 1, partIndex: 1, signed: false }]);
    expect(prepared.contents[1]?.parts[1]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
  });

  it('leaves the history alone for a model that needs no signatures', () => {
    const contents = [user('Weather?'), calls(), responses];
    const prepared = prepareThoughtSignatures(contents, {
      producers: undefined,
      requiresThoughtSignatures: false,
    });
    expect(prepared).toEqual({ contents, foreign: undefined, filled: [] });
    expect(prepared.contents).toBe(contents);
  });
});
