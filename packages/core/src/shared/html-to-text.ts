/**
 * The most of a body ever scanned for an excerpt. Only the first couple of hundred characters of
 * text are quoted, so a larger prefix buys nothing and a hostile body buys no time.
 * @internal
 */
export const MAX_SCANNED_CHARS: number = 64 * 1024;

// Elements whose content is code, not text: dropped with their content when they close.
const RAW_TEXT_ELEMENTS: readonly string[] = ['script', 'style'];

/**
 * The text of an HTML (or plain) body for an error message: tags, `<script>` and `<style>`
 * elements removed, whitespace runs collapsed to one space, trimmed; at most `maxLength + 1`
 * characters, so the caller can tell it was cut. Reads at most {@link MAX_SCANNED_CHARS} of
 * `html`.
 *
 * One left-to-right pass in time linear in the scanned prefix, whatever the input: the regexes it
 * replaces (`<[^>]+>`, `<(script|style)[^>]*>[\s\S]*?<\/\1>`) rescanned to the end from every `<`
 * that never closed, which took seconds on 80 KB of `<` and minutes on a megabyte. Here every
 * search for a closing `>` or `</script>` that fails is remembered, so it is never repeated.
 * @internal
 */
export function htmlToText(html: string, maxLength: number): string {
  const text = html.length > MAX_SCANNED_CHARS ? html.slice(0, MAX_SCANNED_CHARS) : html;
  let out = '';
  let space = false;
  // False once no `>` is left: every later `<` is then text.
  let hasTags = true;
  // Raw-text elements whose closing tag does not occur again.
  const unclosed = new Set<string>();
  let index = 0;
  while (index < text.length && out.length <= maxLength) {
    const char = text[index] as string;
    if (char === '<' && hasTags) {
      const end = text.indexOf('>', index + 1);
      if (end === -1) {
        hasTags = false;
      } else if (end > index + 1) {
        index = skipElement(text, index, end, unclosed);
        space = true;
        continue;
      }
      // No `>` left, or `<>` (not a tag): keep the `<` as text.
    }
    if (isSpace(char)) {
      space = true;
    } else {
      if (space && out !== '') out += ' ';
      space = false;
      out += char;
    }
    index++;
  }
  return out;
}

/**
 * The index after the tag `text[start..end]`, or after the element's closing tag when the tag
 * opens a `<script>` or `<style>` that is closed later.
 */
function skipElement(text: string, start: number, end: number, unclosed: Set<string>): number {
  for (const name of RAW_TEXT_ELEMENTS) {
    if (unclosed.has(name) || !startsWithIgnoreCase(text, start + 1, name)) continue;
    const closing = new RegExp(`</${name}>`, 'gi');
    closing.lastIndex = end + 1;
    const match = closing.exec(text);
    if (match !== null) return match.index + match[0].length;
    // Not closed after here, so not closed after any later opener either: never search again.
    unclosed.add(name);
  }
  return end + 1;
}

function startsWithIgnoreCase(text: string, at: number, word: string): boolean {
  return text.slice(at, at + word.length).toLowerCase() === word;
}

function isSpace(char: string): boolean {
  return /\s/.test(char);
}
