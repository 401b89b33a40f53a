import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeFolder } from '@gemloop/core/internal';

/**
 * Writes `value` as indented JSON to `path`, making its folder first: `--json
 * .gemloop/forks/new-prompt.json` in a project that has no forks yet.
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await makeParentFolder(path);
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Makes the folder a report or case file goes in, with the bounded `mkdir -p`: Node's `recursive`
 * never settles for a path under /proc (attack29), and the CLI hung at 100 % CPU.
 */
export function makeParentFolder(path: string): Promise<void> {
  return makeFolder({ dir: dirname(path), mkdir: (folder) => mkdir(folder), dirname });
}
