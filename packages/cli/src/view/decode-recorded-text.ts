import { decodeUtf8File } from '@gemloop/core/internal';

/**
 * The text of a recorded file's bytes (a run file, an eval result, a fork) as every command reads
 * one: strictly UTF-8, without the byte-order mark an editor's "UTF-8 with BOM" (Notepad,
 * PowerShell 5) writes, or why not in the words `gemloop replay`, `diff` and `eval compare` use,
 * which the viewer shows on its page: no path, nothing of the file's bytes.
 */
export function decodeRecordedText(bytes: Uint8Array): { text: string } | { problem: string } {
  // Strictly: a byte of another encoding read as U+FFFD made an answer no run gave (attack43a).
  const decoded = decodeUtf8File(bytes);
  if ('line' in decoded) return { problem: notUtf8Problem(decoded.line) };
  // The mark is no character of the file's text: `--instructions-file` sent it to the model as the
  // instructions' first (attack56b).
  const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
  return { text };
}

/** Why a file whose line `line` (from 1) is not UTF-8 is refused. */
export function notUtf8Problem(line: number): string {
  return `line ${line} is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8`;
}
