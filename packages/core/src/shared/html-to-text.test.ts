import { describe, expect, it } from 'vitest';
import { countSearchedChars } from '../__fixtures__/count-work.ts';
import { htmlToText, MAX_SCANNED_CHARS } from './html-to-text.ts';

describe('htmlToText', () => {
  it('drops tags, scripts and styles and collapses whitespace', () => {
    const html = `<!doctype html><html><head><style>body { color: red }</style>
      <script type="text/javascript">if (a < b) alert("x")</script></head>
      <body><h1>502 Bad   Gateway</h1>\n\n<p>nginx</p></body></html>`;
    expect(htmlToText(html, 200)).toBe('502 Bad Gateway nginx');
  });

  it('reads <SCRIPT> and </Style> in any case', () => {
    expect(htmlToText('a<SCRIPT>x()</script>b<style>p{}</STYLE>c', 100)).toBe('a b c');
  });

  it('keeps a "<" with no ">" after it, and an empty "<>", as text', () => {
    expect(htmlToText('a < b', 100)).toBe('a < b');
    expect(htmlToText('x <> y', 100)).toBe('x <> y');
  });

  it('shows the content of a script that is never closed rather than dropping the rest', () => {
    expect(htmlToText('<script>tail text', 100)).toBe('tail text');
  });

  it('stops after maxLength + 1 characters so the caller can tell it was cut', () => {
    const text = htmlToText(`<p>${'word '.repeat(100)}</p>`, 20);
    expect(text.length).toBe(21);
    expect(htmlToText('short', 20)).toBe('short');
  });

  it(`reads at most ${MAX_SCANNED_CHARS} characters of a huge body`, () => {
    const body = `<p>start</p>${' '.repeat(MAX_SCANNED_CHARS)}<p>far away</p>`;
    expect(body.length).toBeGreaterThan(MAX_SCANNED_CHARS);
    expect(htmlToText(body, 200)).toBe('start');
  });

  it('searches each character of a hostile body at most three times (runs of "<", unclosed scripts)', () => {
    // Counted, not timed: the regexes this replaced rescanned to the end from every `<` that
    // never closed (n²/2 characters: 2 billion for these 64 KB), and so does a scan that forgets
    // a failed search for `>` or `</script>`.
    for (const body of [
      '<'.repeat(1_000_000),
      '<script>'.repeat(50_000),
      '<style x=">'.repeat(50_000),
    ]) {
      const searched = countSearchedChars(() => htmlToText(body, 200));
      expect(searched, body.slice(0, 12)).toBeLessThanOrEqual(3 * MAX_SCANNED_CHARS);
    }
  });

  it('treats every Unicode space as a space, and keeps emoji whole when not cut', () => {
    expect(htmlToText('a\u00a0\u2003\u3000b 😀', 100)).toBe('a b 😀');
  });
});
