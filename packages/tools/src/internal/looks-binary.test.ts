import { describe, expect, it } from 'vitest';
import { looksBinary } from './looks-binary.ts';

// Whether a file or a page is shown as text: judged by its first KB, as the file and web tools
// judge it before anything reaches the model.

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('looksBinary', () => {
  it.each([
    ['plain ASCII', utf8('hello world\n')],
    ['UTF-8 in many scripts', utf8('Grüße, 世界, مرحبا, 😀\n')],
    ['a UTF-8 byte-order mark', Uint8Array.of(0xef, 0xbb, 0xbf, 0x68, 0x69)],
    ['nothing at all', new Uint8Array(0)],
  ])('reads %s as text', (_case, bytes) => {
    expect(looksBinary(bytes)).toBe(false);
  });

  it.each([
    ['a PNG header', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00)],
    ['a NUL byte in text', utf8('text\u0000more')],
    ['bytes that are no UTF-8', Uint8Array.of(0x68, 0xff, 0xfe, 0x69)],
    ['a cut multi-byte character at the end of a short file', Uint8Array.of(0x61, 0xe2, 0x82)],
  ])('reads %s as binary', (_case, bytes) => {
    expect(looksBinary(bytes)).toBe(true);
  });

  it('forgives a character cut at the 1,024th byte, where the look stops', () => {
    const bytes = new Uint8Array(2_000).fill(0x61);
    bytes.set([0xe2, 0x82, 0xac], 1_022); // "€" across the 1 KB boundary
    expect(looksBinary(bytes)).toBe(false);
  });

  it('looks no further than the first KB', () => {
    const bytes = new Uint8Array(4_096).fill(0x61);
    bytes[3_000] = 0;
    expect(looksBinary(bytes)).toBe(false);
  });

  it('trusts a UTF-16 charset with NUL bytes, and another named charset with non-UTF-8 bytes', () => {
    const utf16 = Uint8Array.of(0x68, 0x00, 0x69, 0x00);
    expect(looksBinary(utf16)).toBe(true);
    expect(looksBinary(utf16, 'utf-16le')).toBe(false);
    const latin1 = Uint8Array.of(0x63, 0x61, 0x66, 0xe9); // "café" in ISO-8859-1
    expect(looksBinary(latin1)).toBe(true);
    expect(looksBinary(latin1, 'iso-8859-1')).toBe(false);
    expect(looksBinary(latin1, 'utf-8')).toBe(true);
  });
});
