import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A result file's name without `.json`: letters, digits, `.`, `_`, `-` only. */
export const RESULT_ID: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * The JSON object of `<dir>/<id>.json`, or `undefined` when the id names no regular file there
 * (a bad name, a symlink, a FIFO, a file past `maxBytes`) or the file is not a JSON object. What
 * the viewer reads of the results other commands write (eval results, forks): hostile input.
 */
export async function readResultFile(
  dir: string,
  id: string,
  maxBytes: number,
): Promise<Record<string, unknown> | undefined> {
  if (!RESULT_ID.test(id)) return undefined;
  const path = join(dir, `${id}.json`);
  try {
    const stats = await lstat(path);
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
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
