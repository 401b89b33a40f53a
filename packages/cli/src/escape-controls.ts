// C0 controls, DEL and C1 controls (ESC starts every terminal sequence, U+009B is CSI on its own,
// CR returns to the start of the line, LF starts a new one), and the Unicode characters that
// move text or break lines without being control characters: line and paragraph separators, bidi
// embeddings, overrides and isolates (the "Trojan Source" set, CVE-2021-42574).
// Core's internal `UNPRINTABLE`, written here again on purpose: the bin lists its commands and
// refuses an unknown one without loading @gemloop/core (bin.test.ts), and core's internal entry
// loads some 330 modules. escape-controls.test.ts checks the two sets agree on every character.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Writes every control character as a visible escape (`\n`, `\u001b`): a gateway's text then
 * cannot colour or clear the terminal, move the cursor, or start a line of its own (a forged
 * `PASS` line). Printable text, backslashes included, is left as it is.
 * @internal
 */
export function escapeControls(text: string): string {
  return text.replace(
    UNSAFE,
    (char) => NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
