import { describe, expect, it } from 'vitest';
import { createUtf8Decoder as createNodeDecoder } from './node/utf8-decoder.ts';
import { createUtf8Decoder as createWebDecoder } from './web/utf8-decoder.ts';

// Two-, three- and four-byte characters (é, 漢, 😀, a flag of two code points) and a leading BOM.
const text = '\uFEFFé漢😀🇳🇴 data: {"text":"ok"}\n\n';
const bytes = new TextEncoder().encode(text);

function decodeInPieces(decoder: ReturnType<typeof createWebDecoder>, cuts: number[]): string {
  let out = '';
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out += decoder.write(bytes.subarray(start, cut));
    start = cut;
  }
  return out + decoder.end();
}

describe.each([
  ['web (TextDecoder)', createWebDecoder],
  ['node (StringDecoder)', createNodeDecoder],
])('the %s UTF-8 decoder', (_name, create) => {
  it('joins a character split at any byte across two reads, and keeps the BOM', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeInPieces(create(), [cut])).toBe(text);
    }
  });

  it('joins characters fed one byte per read', () => {
    const cuts = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(decodeInPieces(create(), cuts)).toBe(text);
  });

  it('ends a truncated character as U+FFFD rather than dropping it', () => {
    const decoder = create();
    expect(decoder.write(new Uint8Array([0x61, 0xe6, 0xbc]))).toBe('a');
    expect(decoder.end()).toBe('\uFFFD');
  });
});
