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

/** How much of a refused value a message shows: enough to recognise it, never a pasted file. */
const MAX_SHOWN = 100;

/**
 * A value as a message shows it: control characters escaped (once: an escaped value is given back
 * as it was), cut at 100 characters with `...` after, never inside an escape (`\u001b` stays
 * whole, or goes).
 * @internal
 */
export function shownValue(text: string): string {
  return cut(escapeControls(text));
}

/** `escaped` cut at {@link MAX_SHOWN} characters with `...` after, never inside an escape. */
function cut(escaped: string): string {
  if (escaped.length <= MAX_SHOWN + 3) return escaped;
  // A cut inside `\u001b` or `\n` left a `\u00` that reads as another escape; a lone surrogate
  // half of an emoji is dropped too.
  return `${escaped.slice(0, MAX_SHOWN).replace(/\\(u[0-9a-f]{0,3})?$|[\ud800-\udbff]$/, '')}...`;
}

/**
 * What {@link quotedValue} escapes: the controls, a `"`, and a backslash that would read as the
 * start of an escape: one before `n`, `r`, `t`, `u`, `"`, another backslash or a control (each
 * written with a backslash of its own), or at the end (before the closing quote).
 */
const QUOTED_UNSAFE = new RegExp(`${UNSAFE.source}|"|\\\\(?=[nrtu"\\\\]|${UNSAFE.source}|$)`, 'g');

/**
 * A value quoted in a message, unambiguously: in double quotes, a `"` in it written `\"`, the
 * controls escaped as {@link escapeControls} does, and a backslash doubled only where it would
 * otherwise read as an escape (`C:\new` is `"C:\\new"`, `a\"b` is `"a\\\"b"`); cut as
 * {@link shownValue} cuts. Read back with one rule: `\\`, `\"`, `\n`, `\r`, `\t` and `\uXXXX` are
 * escapes, any other backslash is itself. Not `JSON.stringify`, which doubled every backslash
 * (`"C:\\dir"`, as if the user had typed two) and, of an escaped value, each escape's.
 * @internal
 */
export function quotedValue(text: string): string {
  const escaped = text.replace(QUOTED_UNSAFE, (char) => {
    if (char === '"' || char === '\\') return `\\${char}`;
    return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${cut(escaped)}"`;
}
