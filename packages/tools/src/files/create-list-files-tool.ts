import { lstat, stat } from 'node:fs/promises';
import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { quoteText } from '@gemloop/core/internal';
import { z } from 'zod/v4';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolsSettings } from './file-tools-settings.ts';
import { PATH_DESCRIPTION } from './file-tools-settings.ts';
import { resolveInRoot } from './resolve-in-root.ts';
import { keepWithinCharacters } from './result-characters.ts';
import { walkDirectory } from './walk-directory.ts';

/** The arguments of the list-files tool. */
export type ListFilesArgs = { path?: string | undefined; depth?: number | undefined };

/** One entry of a listing. */
export type FileEntry = {
  /** Relative to the root, `/`-separated. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Size in bytes, for files. */
  size?: number | undefined;
};

/** What the list-files tool returns. */
export type ListFilesResult = {
  path: string;
  entries: FileEntry[];
  /** Set when the listing stopped at the entry limit or at the bound on its paths' characters. */
  note?: string | undefined;
};

/** @internal */
export function createListFilesTool(
  settings: FileToolsSettings,
): DefinedTool<ListFilesArgs, ListFilesResult> {
  return defineTool({
    name: settings.names.list,
    description: `Lists the files and folders in a folder under the root, with sizes, sorted by path. depth 1 (default) lists the folder itself; higher depths include subfolders (${[...settings.skipDirectories].join(', ')} are listed but not entered). Symbolic links are shown as such and not followed. At most ${settings.maxEntries} entries.`,
    parameters: z.object({
      path: z
        .string()
        .max(1024)
        .optional()
        .describe(`Folder to list. ${PATH_DESCRIPTION} Default ".".`),
      depth: z
        .number()
        .int()
        .min(1)
        .max(10)
        .optional()
        .describe('How many levels to list, 1 to 10. Default 1.'),
    }),
    execute: async ({ path = '.', depth = 1 }, context) => {
      const target = await resolveInRoot(settings.rootReal, path, settings.names);
      const info = await stat(target.absolute).catch(() => undefined);
      if (info === undefined) {
        throw new FileToolError({
          reason: 'not-found',
          path,
          message: `${quoteText(path)} does not exist. List "." to see what is in the root.`,
        });
      }
      if (!info.isDirectory()) {
        throw new FileToolError({
          reason: 'wrong-type',
          path,
          message: `${quoteText(path)} is a file, not a folder. Use ${settings.names.read} to read it.`,
        });
      }
      const entries: (FileEntry & { absolute: string })[] = [];
      const { truncated } = await walkDirectory({
        rootReal: settings.rootReal,
        names: settings.names,
        fdPaths: settings.fdPaths,
        start: target.absolute,
        startRelative: target.relative,
        maxDepth: depth,
        skipDirectories: settings.skipDirectories,
        maxEntries: settings.maxEntries,
        signal: context.signal,
        visit: (entry) => {
          entries.push({ path: entry.relative, type: entry.type, absolute: entry.absolute });
        },
      });
      await Promise.all(
        entries.map(async (entry) => {
          if (entry.type !== 'file') return;
          // lstat: an entry swapped for a link since the walk shows its own size, not its target's.
          const fileInfo = await lstat(entry.absolute).catch(() => undefined);
          if (fileInfo !== undefined) entry.size = fileInfo.size;
        }),
      );
      entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const { kept, note } = keepWithinCharacters(entries, (entry) => entry.path.length, {
        noun: 'entries',
        measured: 'paths',
        narrow: 'list a subfolder or use a smaller depth',
      });
      const result: ListFilesResult = {
        path: target.relative,
        entries: kept.map(({ absolute: _absolute, ...entry }) => entry),
      };
      if (note !== undefined) {
        result.note = note;
      } else if (truncated) {
        result.note = `Stopped at ${settings.maxEntries} entries; list a subfolder or use a smaller depth to see the rest.`;
      }
      return result;
    },
  });
}
