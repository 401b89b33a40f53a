// C0 controls, DEL and C1 controls (ESC starts every terminal sequence, U+009B is CSI on its own,
// CR returns to the start of the line, LF starts a new one), and the Unicode characters that move
// text or break lines without being control characters: the line and paragraph separators, the
// bidi marks (U+061C, U+200E, U+200F), embeddings, overrides and isolates (the "Trojan Source" set,
// CVE-2021-42574). Eight packages each wrote this class, and five of the copies had lost a part
// of it (an MCP elicitation shown with a raw U+2028, an id at a door with a raw U+200F).
const CLASS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

/**
 * Matches each control, line-breaking or bidi character (see the comment above). Global: use it
 * with `replace`/`replaceAll` only, which start from the first character whatever `lastIndex`
 * holds; to ask whether a text holds one, call {@link hasUnprintable}.
 * @internal
 */
export const UNPRINTABLE: RegExp = new RegExp(`[${CLASS}]`, 'g');

/** Matches a run of them: for a caller that writes one replacement for a run. @internal */
export const UNPRINTABLE_RUN: RegExp = new RegExp(`[${CLASS}]+`, 'g');

// Not global: `test` on a global expression starts at the last match's end.
const ONE_UNPRINTABLE = new RegExp(`[${CLASS}]`);

/** Whether `text` holds a control, line-breaking or bidi character. @internal */
export function hasUnprintable(text: string): boolean {
  return ONE_UNPRINTABLE.test(text);
}

/**
 * `text` with each control, line-breaking or bidi character written as its `\uXXXX` escape (or
 * as `named` gives it: `{ '\n': '\\n' }`): the text stays findable and no longer moves a
 * terminal's cursor, colours it or turns a line around. Printable text is left as it is.
 * @internal
 */
export function escapeUnprintable(
  text: string,
  named: Readonly<Record<string, string>> = {},
): string {
  return text.replace(
    UNPRINTABLE,
    (char) => named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
