import { describe, expect, it } from 'vitest';
import type { Content } from '../../wire/content.ts';
import { validateHistory } from '../validate-history.ts';
import { fillMissingThoughtSignatures } from './fill-missing-thought-signatures.ts';
import { stripThoughtSignatures } from './strip-thought-signatures.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './thought-signature-bypass.ts';

const history: Content[] = [
  { role: 'user', parts: [{ text: 'Weather in Paris and Oslo?', thoughtSignature: 'dXNlcg==' }] },
  {
    role: 'model',
    parts: [
      { text: 'Let me check.', thought: true },
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'QUFB' },
      { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
    ],
  },
  {
    role: 'user',
    parts: [
      { functionResponse: { name: 'get_weather', response: { forecast: 'sunny' } } },
      { functionResponse: { name: 'get_weather', response: { forecast: 'snow' } } },
    ],
  },
  { role: 'model', parts: [{ text: 'Sunny and snowy.', thoughtSignature: 'QkJC' }] },
];

describe('stripThoughtSignatures', () => {
  it('leaves an empty text where a part held only a signature, so the part keeps its data', () => {
    const stripped = stripThoughtSignatures([
      { role: 'user', parts: [{ text: 'Hi' }] },
      {
        role: 'model',
        parts: [
          { thought: true, thoughtSignature: 'QUFB' },
          { text: 'Hello.' },
          { thoughtSignature: 'QkJC' },
        ],
      },
    ]);
    expect(stripped[1]?.parts).toEqual([
      { thought: true, text: '' },
      { text: 'Hello.' },
      { text: '' },
    ]);
    expect(validateHistory(stripped, { strict: true })).toEqual([]);
  });

  it('removes every signature of the model turns, copying only what changes', () => {
    const before = structuredClone(history);
    const stripped = stripThoughtSignatures(history);

    expect(stripped).not.toBe(history);
    expect(history).toEqual(before);
    // User contents (even with a stray signature) and untouched parts are the same objects.
    expect(stripped[0]).toBe(history[0]);
    expect(stripped[2]).toBe(history[2]);
    expect(stripped[1]?.parts[0]).toBe(history[1]?.parts[0]);
    expect(stripped[1]?.parts[2]).toBe(history[1]?.parts[2]);
    expect(stripped[1]?.parts[1]).toEqual({
      functionCall: { name: 'get_weather', args: { city: 'Paris' } },
    });
    expect(stripped[3]).toEqual({ role: 'model', parts: [{ text: 'Sunny and snowy.' }] });
  });

  it('returns the same array when there is nothing to remove', () => {
    const unsigned = stripThoughtSignatures(history);
    expect(stripThoughtSignatures(unsigned)).toBe(unsigned);
    expect(stripThoughtSignatures([])).toEqual([]);
  });

  it('removes the snake_case spelling too, and leaves malformed entries alone', () => {
    const odd = [
      { role: 'model', parts: [{ text: 'a', thought_signature: 'QUFB' }, null, 'x'] },
      { role: 'model', parts: 'not a list' },
      null,
    ] as unknown as Content[];
    const stripped = stripThoughtSignatures(odd);
    expect(stripped[0]).toEqual({ role: 'model', parts: [{ text: 'a' }, null, 'x'] });
    expect(stripped[1]).toBe(odd[1]);
    expect(stripped[2]).toBe(null);
  });

  it('leaves the dummy to fillMissingThoughtSignatures, on the first call of the active loop only', () => {
    const resumed = stripThoughtSignatures(history.slice(0, 3));
    const filled = fillMissingThoughtSignatures(resumed);
    expect(filled[1]?.parts.map((part) => part.thoughtSignature)).toEqual([
      undefined,
      SKIP_THOUGHT_SIGNATURE_VALIDATOR,
      undefined,
    ]);
  });
});

describe('stripThoughtSignatures input', () => {
  it('refuses what is not an array of contents with a typed error', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the point is a wrong value at run time.
    expect(() => stripThoughtSignatures(null as any)).toThrow(/array of contents; got null/);
  });
});
