import { describe, expect, it } from 'vitest';
import { shown } from './shown.ts';

describe('shown', () => {
  it('makes every control, separator and bidi character a `?` (a U+2028 or U+061C was kept raw)', () => {
    expect(shown('a\u001b[2Jb\u2028c\u2029d\u061ce\u200ff\u202eg', 100)).toBe('a?[2Jb?c?d?e?f?g');
  });

  it('cuts at max characters, after the replacing', () => {
    expect(shown('\u0007abcdef', 3)).toBe('?ab…');
  });
});
