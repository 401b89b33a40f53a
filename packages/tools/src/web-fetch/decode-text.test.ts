import { describe, expect, it } from 'vitest';
import { looksBinary } from '../internal/looks-binary.ts';
import { decodeText } from './decode-text.ts';

describe('decodeText', () => {
  it('decodes every windows-1252 special character (Node 20 does not)', () => {
    const bytes = Buffer.from([
      0x80, 0x82, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9f, 0xe9,
    ]);
    expect(decodeText({ bytes, charset: 'windows-1252', html: false })).toBe('€‚…‘’“”–—™Ÿé');
    // The WHATWG labels latin1, iso-8859-1 and us-ascii all mean windows-1252.
    expect(
      decodeText({ bytes: Buffer.from([0x93, 0x61, 0x94]), charset: 'iso-8859-1', html: false }),
    ).toBe('“a”');
    expect(decodeText({ bytes: Buffer.from([0x80]), charset: 'us-ascii', html: false })).toBe('€');
  });

  it('lets a byte-order mark win over the header', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0xc3, 0xa9]);
    expect(decodeText({ bytes, charset: 'windows-1252', html: false })).toBe('é');
  });

  it('finds a meta charset in HTML only', () => {
    const html = Buffer.concat([
      Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'),
      Buffer.from([0x82, 0xa0]),
    ]);
    expect(decodeText({ bytes: html, charset: undefined, html: true })).toContain('あ');
    expect(decodeText({ bytes: html, charset: undefined, html: false })).not.toContain('あ');
  });

  it('falls back to UTF-8 for an unknown charset', () => {
    expect(decodeText({ bytes: Buffer.from('é'), charset: 'x-made-up', html: false })).toBe('é');
  });
});

describe('looksBinary', () => {
  it('flags NUL bytes and invalid UTF-8 but not a character cut at the 1 KB mark', () => {
    expect(looksBinary(Buffer.from([0x41, 0x00]), undefined)).toBe(true);
    expect(looksBinary(Buffer.from([0xff, 0xfe, 0x41]), 'utf-8')).toBe(true);
    expect(looksBinary(Buffer.from('plain text'), undefined)).toBe(false);
    const cut = Buffer.concat([Buffer.alloc(1023, 'a'), Buffer.from('é')]);
    expect(looksBinary(cut, undefined)).toBe(false);
  });

  it('trusts a legacy charset and UTF-16 with their own byte patterns', () => {
    expect(looksBinary(Buffer.from([0xe9, 0x80]), 'windows-1252')).toBe(false);
    expect(looksBinary(Buffer.from([0x41, 0x00]), 'utf-16le')).toBe(false);
  });
});
