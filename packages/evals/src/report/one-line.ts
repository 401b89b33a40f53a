/**
 * Text for one line of a terminal report: every control character (C0, DEL, C1), the Unicode
 * line and paragraph separators, and the bidirectional controls become a space. Not only CR and
 * LF start a new line: a terminal also moves down on a vertical tab or form feed, and an escape
 * sequence moves the cursor up or clears a line, so a model's reason or an error message could
 * otherwise forge a line of its own (a PASS line) or hide a failure. The bidirectional controls
 * (embeddings, overrides, isolates, marks: the "Trojan Source" set, CVE-2021-42574, as the CLI's
 * probe sanitizer lists them) reorder what a line shows: a case id ending in U+202E printed the
 * rest of its line backwards. @internal
 */
export function oneLine(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g,
    ' ',
  );
}
