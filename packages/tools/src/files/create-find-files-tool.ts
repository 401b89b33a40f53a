import { lstat } from 'node:fs/promises';
import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { quoteText } from '@gemloop/core/internal';
import { z } from 'zod/v4';
import type { FileToolsSettings } from './file-tools-settings.ts';
import { PATH_DESCRIPTION } from './file-tools-settings.ts';
import { matchName, toNamePattern } from './match-name.ts';
import { resolveSearchFolder } from './resolve-search-folder.ts';
import { keepWithinCharacters } from './result-characters.ts';
import { walkDirectory } from './walk-directory.ts';

/** The arguments of the find-files tool. */
export type FindFilesArgs = { pattern: string; path?: string | undefined };

/** What the find-files tool returns. */
export type FindFilesResult = {
  matches: { path: string; size: number }[];
  /** How many files and folders were looked at. */
  scanned: number;
  /** Set when a limit stopped the search early. */
  note?: string | undefined;
};

const MAX_DEPTH = 64;

/** @internal */
export function createFindFilesTool(
  settings: FileToolsSettings,
): DefinedTool<FindFilesArgs, FindFilesResult> {
  return defineTool({
    name: settings.names.find,
    description: `Finds files by name under a folder (all subfolders, except ${[...settings.skipDirectories].join(', ')}). The pattern matches file names, not paths, case-insensitively: "*" is any run of characters, "?" one character, e.g. "*.md", "test-*.ts", "report-202?.csv"; without wildcards it matches names containing the text, e.g. "config". Returns up to ${settings.maxResults} matches, sorted by path.`,
    parameters: z.object({
      pattern: z
        .string()
        .min(1)
        .max(200)
        .describe(
          'File name pattern, e.g. "*.ts" or "readme". Names only: use path to pick the folder.',
        ),
      path: z
        .string()
        .max(1024)
        .optional()
        .describe(`Folder to search in. ${PATH_DESCRIPTION} Default ".".`),
    }),
    execute: async ({ pattern, path = '.' }, context) => {
      const folder = await resolveSearchFolder(settings.rootReal, path, settings.names);
      const namePattern = toNamePattern(pattern);
      const found: { path: string; absolute: string }[] = [];
      let limitHit = false;
      const { truncated, visited } = await walkDirectory({
        rootReal: settings.rootReal,
        names: settings.names,
        fdPaths: settings.fdPaths,
        start: folder.absolute,
        startRelative: folder.relative,
        maxDepth: MAX_DEPTH,
        skipDirectories: settings.skipDirectories,
        maxEntries: settings.maxEntries,
        signal: context.signal,
        visit: (entry) => {
          if (entry.type !== 'file' || !matchName(namePattern, entry.name)) return true;
          found.push({ path: entry.relative, absolute: entry.absolute });
          if (found.length >= settings.maxResults) {
            limitHit = true;
            return false;
          }
          return true;
        },
      });
      const matches = await Promise.all(
        found.map(async ({ path: relative, absolute }) => ({
          path: relative,
          size: (await lstat(absolute).catch(() => undefined))?.size ?? 0,
        })),
      );
      matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const { kept, note } = keepWithinCharacters(matches, (match) => match.path.length, {
        noun: 'matches',
        measured: 'paths',
        narrow: 'use a narrower pattern or a subfolder',
      });
      const result: FindFilesResult = { matches: kept, scanned: visited };
      if (note !== undefined) {
        result.note = note;
      } else if (limitHit) {
        result.note = `Stopped at ${settings.maxResults} matches; use a narrower pattern or folder.`;
      } else if (truncated) {
        result.note = `Stopped after looking at ${settings.maxEntries} files and folders; search a subfolder to cover the rest.`;
      }
      if (pattern !== namePattern) {
        result.note =
          `${result.note ?? ''} The pattern matches file names only, so it was read as ${quoteText(namePattern)}; use path for the folder.`.trim();
      }
      return result;
    },
  });
}
