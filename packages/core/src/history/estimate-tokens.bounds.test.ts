import { describe, expect, it } from 'vitest';
import type { Content } from '../wire/content.ts';
import {
  estimateContentTokens,
  estimateTokens,
  MEDIA_PART_TOKENS,
  tokensOfCharacters,
} from './estimate-tokens.ts';

describe('estimateTokens on hostile values', () => {
  it('ends on an object that refers to itself more than once (a walk of 2^64 paths otherwise)', () => {
    // Counted, not timed: each side the walk reads is one call of a getter. Within its bound of a
    // million values each counted object reads its two sides (the sides at the depth limit are
    // read, not counted), so at most 2 million reads; a walk of every path would not end, so past
    // ten million reads the getters answer a string and the count shows the walk went on.
    let reads = 0;
    const twice: Record<string, unknown> = { text: 'x' };
    for (const side of ['left', 'right']) {
      Object.defineProperty(twice, side, {
        enumerable: true,
        get: () => (++reads > 10_000_000 ? 'end' : twice),
      });
    }
    const estimate = estimateTokens({ response: twice });
    expect(reads).toBeLessThanOrEqual(2_000_000);
    expect(estimate.text).toBeGreaterThan(0);
    expect(Number.isFinite(estimate.text)).toBe(true);
  });

  it('stops at depth 64 on a deep chain instead of overflowing the stack', () => {
    let deep: unknown = 'leaf text';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(estimateTokens(deep)).toEqual({ text: 0, media: 0 });
  });

  it('counts numbers and booleans as two characters, and null and functions as nothing', () => {
    expect(estimateTokens([1, true, 3.5, false])).toEqual({ text: 2, media: 0 });
    expect(estimateTokens([null, undefined, () => 'x', Symbol('s')])).toEqual({
      text: 0,
      media: 0,
    });
  });
});

describe('what estimateTokens counts as text', () => {
  it('skips role, ids, flags and layout, but counts the names inside args and responses', () => {
    const part = {
      functionCall: { id: 'abcdefgh', name: 'get_weather', args: { city: 'Paris' } },
      thought: true,
      videoMetadata: { startOffset: '10s' },
      partMetadata: { note: 'xxxxxxxxxxxxxxxx' },
    };
    // name 'get_weather' (11) + args: key 'city' (4) + value 'Paris' (5) = 20 characters.
    expect(estimateTokens(part).text).toBe(tokensOfCharacters(20));
  });

  it('counts keys inside a schema, where they are words the model reads', () => {
    const declaration = {
      name: 'f',
      parametersJsonSchema: { properties: { destination: { type: 'string' } } },
    };
    // 'f' + 'properties' + 'destination' + 'type' + 'string' = 1 + 10 + 11 + 4 + 6.
    expect(estimateTokens(declaration).text).toBe(tokensOfCharacters(32));
    // The same keys in a skipped field are not counted.
    expect(estimateTokens({ id: { properties: 'x' } }).text).toBe(0);
  });

  it('counts each media part once, in either spelling, whatever its size', () => {
    const parts = [
      { inline_data: { mime_type: 'image/png', data: 'A'.repeat(100_000) } },
      {
        fileData: {
          fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc',
          mimeType: 'video/mp4',
        },
      },
      { file_data: { file_uri: 'gs://bucket/a.pdf' } },
    ];
    expect(estimateTokens(parts)).toEqual({ text: 0, media: 3 * MEDIA_PART_TOKENS });
  });

  it('counts a snake_case signature as nothing, like the camelCase one', () => {
    expect(estimateTokens({ text: 'abcd', thought_signature: 'x'.repeat(47_000) }).text).toBe(1);
  });

  it('counts only the text, never the signature, of a 47 KB signed part', () => {
    expect(estimateTokens([{ text: 'hello', thoughtSignature: 'S'.repeat(47_000) }]).text).toBe(2);
  });
});

describe('estimateContentTokens', () => {
  it('sums text over contents and adds media at the flat rate', () => {
    const contents: Content[] = [
      {
        role: 'user',
        parts: [{ text: 'a'.repeat(10) }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }],
      },
      { role: 'model', parts: [{ text: 'b'.repeat(6) }] },
    ];
    // 16 characters round up to 4 tokens, as one text: rounding is not paid per content.
    expect(estimateContentTokens(contents)).toBe(4 + MEDIA_PART_TOKENS);
  });

  it('skips contents without parts and entries that are not contents', () => {
    const contents = [
      { role: 'user' },
      null,
      { role: 'model', parts: [{ text: 'abcd' }] },
    ] as unknown as Content[];
    expect(estimateContentTokens(contents)).toBe(1);
    expect(estimateContentTokens([])).toBe(0);
  });
});
