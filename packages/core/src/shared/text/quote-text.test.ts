import { describe, expect, it } from 'vitest';
import { quoteText } from './quote-text.ts';

describe('quoteText', () => {
  it('quotes a plain text as JSON would', () => {
    expect(quoteText('docs/intro.md')).toBe('"docs/intro.md"');
    expect(quoteText('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
  });

  it('escapes controls, line breaks, bidi characters and a lone surrogate', () => {
    expect(quoteText('a\nb\u001b[31m\u0085\u2028\u202egnp.exe\u2066\ud800')).toBe(
      '"a\\nb\\u001b[31m\\u0085\\u2028\\u202egnp.exe\\u2066\\ud800"',
    );
  });

  it('cuts a long text at the bound, never inside an emoji, and says how much was left out', () => {
    expect(quoteText('x'.repeat(1_000_000))).toBe(
      `"${'x'.repeat(200)}"… [999800 characters omitted]`,
    );
    expect(quoteText(`${'x'.repeat(9)}😀`, 10)).toBe(`"${'x'.repeat(9)}"… [2 characters omitted]`);
    expect(quoteText('short', 10)).toBe('"short"');
  });
});
