import { describe, expect, it } from 'vitest';
import { decodeUtf8File } from './decode-utf8-file.ts';

// The line named for a byte that is not UTF-8 (Windows-1252's `é` is the byte 0xE9), numbered
// as an editor, the dataset parser and the viewer number lines: at LF, CRLF and a CR alone.

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('decodeUtf8File', () => {
  it('decodes UTF-8 whole, a byte-order mark kept', () => {
    expect(decodeUtf8File(Buffer.from('\uFEFFcafé\r\nok'))).toEqual({ text: '\uFEFFcafé\r\nok' });
  });

  it.each([
    ['LF', 'a\nb\ncaf\xe9\n'],
    ['CRLF', 'a\r\nb\r\ncaf\xe9\r\n'],
    ['CR alone (classic Mac)', 'a\rb\rcaf\xe9\r'],
    ['mixed', 'a\r\nb\rcaf\xe9\n'],
  ])('names line 3 of a %s file', (_name, text) => {
    expect(decodeUtf8File(bytes(text))).toEqual({ line: 3 });
  });

  it('counts blank lines, and a bad byte on the last line without its end', () => {
    expect(decodeUtf8File(bytes('\r\r\n\ncaf\xe9'))).toEqual({ line: 4 });
  });
});
