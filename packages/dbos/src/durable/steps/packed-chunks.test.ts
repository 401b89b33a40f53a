import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { packChunks, unpackChunks } from './packed-chunks.ts';

const TEXT = 'The order shipped on Monday. '.repeat(4_400); // ~128 KB, as durable-run's long turn (was stored-bytes')

/** A long streamed turn shaped as the fake's (and Gemini's): 48 characters a chunk, cumulative usage. */
function longStream(): GenerateContentResponse[] {
  const chunks: GenerateContentResponse[] = [];
  for (let at = 0; at < TEXT.length; at += 48) {
    const last = at + 48 >= TEXT.length;
    const count = Math.ceil((at + 48) / 4);
    chunks.push({
      candidates: [
        {
          content: { parts: [{ text: TEXT.slice(at, at + 48) }], role: 'model' },
          index: 0,
          ...(last ? { finishReason: 'STOP' as const } : {}),
        },
      ],
      usageMetadata: {
        promptTokenCount: 57,
        candidatesTokenCount: count,
        totalTokenCount: 57 + count,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 57 }],
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'bW9kZWwtcmVzcG9uc2UtaWQtMDAwMDAx',
    });
  }
  return chunks;
}

/** Packed, stored (JSON, as DBOS's serializer writes it), read back, unpacked. */
function roundTrip(chunks: GenerateContentResponse[]): GenerateContentResponse[] {
  return unpackChunks(JSON.parse(JSON.stringify(packChunks(chunks))));
}

describe('a streamed model step record, packed', () => {
  it('unpacks to the very chunks, keys in their order, in a fraction of their bytes', () => {
    const chunks = longStream();
    const back = roundTrip(chunks);
    // Compared as text: the same values and the same key order, told in a word.
    expect(JSON.stringify(back) === JSON.stringify(chunks)).toBe(true);
    const whole = JSON.stringify(chunks).length;
    const packed = JSON.stringify(packChunks(chunks)).length;
    if (process.env['STORED_BYTES_PRINT'] === '1')
      console.log({ text: TEXT.length, whole, packed });
    // Before: every chunk with its envelope, 7.5 × the text here; packed (1.36 ×): the text
    // once, and each chunk's two changed counts of usage (~17 B a chunk of 48 characters).
    expect(whole).toBeGreaterThan(TEXT.length * 5);
    expect(packed).toBeLessThan(TEXT.length * 1.6);
  });

  it('keeps what changes from chunk to chunk: keys added, gone, reordered, parts, calls, signatures', () => {
    const chunks = [
      { candidates: [{ content: { parts: [{ text: 'Hel', thought: true }], role: 'model' } }] },
      {
        candidates: [
          { content: { parts: [{ text: 'lo', thoughtSignature: 'c2ln' }, { text: '' }] } },
        ],
        usageMetadata: { promptTokenCount: 3 },
        promptFeedback: {},
      },
      {
        responseId: 'r',
        candidates: [
          { content: { parts: [{ functionCall: { name: 'lookup', args: { a: 1 } } }] } },
          { content: { parts: [{ text: 'second candidate ✓ 😀' }] }, index: 1 },
        ],
        usageMetadata: { totalTokenCount: 9, promptTokenCount: 3 },
      },
      {
        responseId: 'r',
        candidates: [{ content: { parts: [{ text: 'end' }] }, finishReason: 'STOP' }],
      },
      {
        responseId: 'r',
        candidates: [{ content: { parts: [{ text: 'end' }] }, finishReason: 'STOP' }],
      },
      { usageMetadata: { promptTokenCount: 3, totalTokenCount: 9 }, modelVersion: 'm' },
      { modelVersion: 'm', usageMetadata: { totalTokenCount: 9, promptTokenCount: 3 } },
      {},
    ] as GenerateContentResponse[];
    expect(JSON.stringify(roundTrip(chunks))).toBe(JSON.stringify(chunks));
    // Each chunk its own object: a consumer that changes one changes no other.
    const back = roundTrip(chunks);
    expect(back[3]).not.toBe(back[4]);
    expect(back[3]?.candidates).not.toBe(back[4]?.candidates);
  });

  it('keeps a key `__proto__` a gateway sent as an own key, and no prototype is set', () => {
    const chunks = [
      JSON.parse('{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"__proto__":{"x":1}}'),
      JSON.parse('{"candidates":[{"content":{"parts":[{"text":"b"}]}}],"__proto__":{"x":2}}'),
    ] as GenerateContentResponse[];
    const back = roundTrip(chunks);
    expect(JSON.stringify(back)).toBe(JSON.stringify(chunks));
    expect(Object.getPrototypeOf(back[1])).toBe(Object.prototype);
    expect(Object.hasOwn(back[1] as object, '__proto__')).toBe(true);
  });

  it('records chunks whose text is not a string as they are, and reads a record of the older shape (the chunks)', () => {
    const odd = [
      { candidates: [{ content: { parts: [{ text: 7 }] } }] },
    ] as unknown as GenerateContentResponse[];
    expect(packChunks(odd)).toBe(odd);
    const notData = [{ candidates: [], at: () => 1 }] as unknown as GenerateContentResponse[];
    expect(packChunks(notData)).toBe(notData);
    expect(packChunks([])).toEqual([]);
    const older = JSON.parse(JSON.stringify(longStream().slice(0, 3))) as GenerateContentResponse[];
    expect(unpackChunks(older)).toEqual(older);
    expect(() => unpackChunks({ packedChunks: 1 } as never)).toThrow(TypeError);
  });
});
