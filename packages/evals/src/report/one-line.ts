import { UNPRINTABLE_RUN } from '@gemloop/core/internal';

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
  return text.replace(UNPRINTABLE_RUN, ' ');
}
