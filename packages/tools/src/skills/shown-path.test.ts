import { describe, expect, it } from 'vitest';
import { shownPath } from './shown-path.ts';

describe('shownPath', () => {
  it('escapes control and bidi characters, the marks included (U+200E, U+061C were kept raw)', () => {
    expect(shownPath('skills/a\u001b[2J/\u202egpj.exe')).toBe('skills/a\\u001b[2J/\\u202egpj.exe');
    expect(shownPath('skills/\u200eb/\u061cc')).toBe('skills/\\u200eb/\\u061cc');
    expect(shownPath('skills/é/plain.md')).toBe('skills/é/plain.md');
  });
});
