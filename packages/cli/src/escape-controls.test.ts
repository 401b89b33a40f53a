import { hasUnprintable } from '@gemloop/core/internal';
import { describe, expect, it } from 'vitest';
import { escapeControls } from './escape-controls.ts';

describe('escapeControls', () => {
  it('escapes exactly the characters core calls unprintable, over the whole BMP', () => {
    const disagree: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      if ((escapeControls(char) !== char) !== hasUnprintable(char))
        disagree.push(code.toString(16));
    }
    expect(disagree).toEqual([]);
  });

  it('names line ends and tabs, writes the rest as \\uXXXX, and leaves backslashes', () => {
    expect(escapeControls('a\nb\r\tc\u001b[2J\u202e\\d')).toBe('a\\nb\\r\\tc\\u001b[2J\\u202e\\d');
  });
});
