/**
 * Text for one line of a terminal report: every control character (C0, DEL, C1) and the Unicode
 * line and paragraph separators become a space. Not only CR and LF start a new line: a terminal
 * also moves down on a vertical tab or form feed, and an escape sequence moves the cursor up or
 * clears a line, so a model's reason or an error message could otherwise forge a line of its own
 * (a PASS line) or hide a failure. @internal
 */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}
