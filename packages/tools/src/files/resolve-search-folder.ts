import { stat } from 'node:fs/promises';
import { quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolNames } from './file-tools-settings.ts';
import type { RootPath } from './resolve-in-root.ts';
import { resolveInRoot } from './resolve-in-root.ts';

/**
 * Resolves the folder a search starts from and checks it is one.
 * @throws {@link FileToolError} as {@link resolveInRoot} does, plus `not-found` and `wrong-type`.
 * @internal
 */
export async function resolveSearchFolder(
  rootReal: string,
  path: string,
  names: FileToolNames,
): Promise<RootPath> {
  const folder = await resolveInRoot(rootReal, path, names);
  const info = folder.exists ? await stat(folder.absolute).catch(() => undefined) : undefined;
  if (info === undefined) {
    throw new FileToolError({
      reason: 'not-found',
      path,
      message: `The folder ${quoteText(path)} does not exist. Search "." to search the whole root.`,
    });
  }
  if (!info.isDirectory()) {
    throw new FileToolError({
      reason: 'wrong-type',
      path,
      message: `${quoteText(path)} is a file, not a folder; give the folder to search in.`,
    });
  }
  return folder;
}
