import { describe, expect, it } from 'vitest';
import { escapeUnprintable, hasUnprintable, UNPRINTABLE, UNPRINTABLE_RUN } from './unprintable.ts';

// Every character of the set, by its part: C0, DEL, C1, the separators, the bidi marks,
// embeddings, overrides and isolates.
const UNSAFE = [
  '\u0000',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u009f',
  '\u2028',
  '\u2029',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
];
// Neighbours that are printable (or only invisible): left as they are.
const SAFE = [
  ' ',
  '~',
  '\u00a0',
  '\u00a1',
  '\u061b',
  '\u200b',
  '\u200d',
  '\u2027',
  '\u202f',
  '\u2065',
  '\u206a',
  'é',
  '😀',
];

describe('unprintable', () => {
  it('knows every control, separator and bidi character, and none of their printable neighbours', () => {
    for (const char of UNSAFE) expect(hasUnprintable(`a${char}b`), codePoint(char)).toBe(true);
    for (const char of SAFE) expect(hasUnprintable(`a${char}b`), codePoint(char)).toBe(false);
  });

  it('answers the same on every call (the test expression keeps no lastIndex)', () => {
    const answers = [1, 2, 3].map(() => hasUnprintable('x\u202ey'));
    expect(answers).toEqual([true, true, true]);
    'a\u0000b'.replace(UNPRINTABLE, '');
    expect(hasUnprintable('\u0000')).toBe(true);
  });

  it('escapes each as \\uXXXX, or as the caller names it, and leaves the rest', () => {
    expect(escapeUnprintable('a\u001b[2Jb\u202ec\\d')).toBe('a\\u001b[2Jb\\u202ec\\d');
    expect(escapeUnprintable('a\nb\u2028', { '\n': '\\n' })).toBe('a\\nb\\u2028');
    expect(escapeUnprintable(SAFE.join(''))).toBe(SAFE.join(''));
  });

  it('replaces a run at once with UNPRINTABLE_RUN and one by one with UNPRINTABLE', () => {
    expect('a\r\n\u202eb'.replace(UNPRINTABLE_RUN, ' ')).toBe('a b');
    expect('a\r\n\u202eb'.replace(UNPRINTABLE, '?')).toBe('a???b');
  });
});

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)?.toString(16).padStart(4, '0')}`;
}
