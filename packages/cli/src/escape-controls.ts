import { escapeUnprintable } from '@gemloop/core/internal';

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Writes every control character as a visible escape (`\n`, `\u001b`): a gateway's text then
 * cannot colour or clear the terminal, move the cursor, or start a line of its own (a forged
 * `PASS` line). Printable text, backslashes included, is left as it is. The set is core's
 * `UNPRINTABLE`: C0, DEL, C1, the line and paragraph separators and the bidi controls.
 * @internal
 */
export function escapeControls(text: string): string {
  return escapeUnprintable(text, NAMED);
}
