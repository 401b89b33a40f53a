import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { firstLineStart, OPEN_FLAGS, readHandleBytes } from './open-run-file.ts';

/** A result file's name without `.json`: letters, digits, `.`, `_`, `-` only. */
export const RESULT_ID: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * The JSON object of `<dir>/<id>.json`, or `undefined` when the id names no regular file there
 * (a bad name, a symlink, a FIFO, a file past `maxBytes`) or the file is not a JSON object. What
 * the viewer reads of the results other commands write (eval results, forks): hostile input.
 * The file is opened once and checked on its handle (`fstat`), never by path and then read: a
 * file swapped between a check and the read (for a symlink out of the folder, a FIFO, a file past
 * the bound) is the one refused (attack14), as the run files are (`open-run-file.ts`).
 */
export async function readResultFile(
  dir: string,
  id: string,
  maxBytes: number,
): Promise<Record<string, unknown> | undefined> {
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
    // After a UTF-8 byte-order mark an editor may save it with (RFC 8259 section 8.1 lets a
    // parser ignore one): before, such a result was left out of the page unsaid (attack56b).
    const value: unknown = JSON.parse(bytes.toString('utf8', firstLineStart(bytes)));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The result files of `dir` that `read` accepts, by id (the name without `.json`), the newest
 * names first, at most `max` read; a missing folder is none.
 */
export async function listResultFiles<T>(
  dir: string,
  max: number,
  read: (dir: string, id: string) => Promise<T | undefined>,
): Promise<{ id: string; value: T }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const found: { id: string; value: T }[] = [];
  for (const name of names.sort().reverse().slice(0, max)) {
    const id = name.slice(0, -'.json'.length);
    const value = await read(dir, id);
    if (value !== undefined) found.push({ id, value });
  }
  return found;
}
