import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRecordedText } from './decode-recorded-text.ts';
import { OPEN_FLAGS, readHandleBytes } from './open-run-file.ts';

/** A result file's name without `.json`: letters, digits, `.`, `_`, `-` only. */
export const RESULT_ID: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** What {@link readResultFile} gives for a file it read: its JSON object, or why it is refused. */
export type ResultFileRead = { record: Record<string, unknown> } | { problem: string };

/**
 * The JSON object of `<dir>/<id>.json` (`record`), or why it is refused (`problem`: a file that
 * is not UTF-8, in the words `gemloop eval compare`, `diff` and `replay` refuse it with,
 * {@link decodeRecordedText}), or `undefined` when the id names no regular file there (a bad
 * name, a symlink, a FIFO, a file past `maxBytes`) or the file is not a JSON object. What the
 * viewer reads of the results other commands write (eval results, forks): hostile input. The
 * file is opened once and checked on its handle (`fstat`), never by path and then read: a file
 * swapped between a check and the read (for a symlink out of the folder, a FIFO, a file past the
 * bound) is the one refused (attack14), as the run files are (`open-run-file.ts`).
 */
export async function readResultFile(
  dir: string,
  id: string,
  maxBytes: number,
): Promise<ResultFileRead | undefined> {
  if (!RESULT_ID.test(id)) return undefined;
  let handle: FileHandle | undefined;
  try {
    handle = await open(join(dir, `${id}.json`), OPEN_FLAGS);
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    // One byte more than the fstat's size: a file that grew (or shrank) after it changed under the
    // read and is refused, never read past the bound.
    const bytes = await readHandleBytes(handle, 0, stats.size + 1);
    if (bytes.length !== stats.size) return undefined;
    // Strictly, byte-order mark dropped: read as U+FFFD, a result saved as Windows-1252 was shown
    // with case ids no eval wrote, where `gemloop eval compare` refuses it by name.
    const decoded = decodeRecordedText(bytes);
    if ('problem' in decoded) return decoded;
    const value: unknown = JSON.parse(decoded.text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return { record: value as Record<string, unknown> };
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The result files of `dir` that `read` accepts (`record`) or refuses (`problem`, so the page says
 * why the file is not shown), by id (the name without `.json`), the newest names first, at most
 * `max` read; a missing folder is none.
 */
export async function listResultFiles(
  dir: string,
  max: number,
  read: (dir: string, id: string) => Promise<ResultFileRead | undefined>,
): Promise<(ResultFileRead & { id: string })[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const found: (ResultFileRead & { id: string })[] = [];
  for (const name of names.sort().reverse().slice(0, max)) {
    const id = name.slice(0, -'.json'.length);
    const value = await read(dir, id);
    if (value !== undefined) found.push({ id, ...value });
  }
  return found;
}
