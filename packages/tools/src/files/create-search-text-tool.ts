import type { FileHandle } from 'node:fs/promises';
import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { quoteText } from '@gemloop/core/internal';
import { z } from 'zod/v4';
import { looksBinary } from '../internal/looks-binary.ts';
import type { FileToolsSettings } from './file-tools-settings.ts';
import { PATH_DESCRIPTION } from './file-tools-settings.ts';
import { foldCase } from './fold-case.ts';
import { matchName, toNamePattern } from './match-name.ts';
import { openFileInRoot } from './open-in-root.ts';
import { READ_FLAGS } from './read-text-chunk.ts';
import { resolveSearchFolder } from './resolve-search-folder.ts';
import { keepWithinCharacters } from './result-characters.ts';
import { walkDirectory } from './walk-directory.ts';

/** The arguments of the search-text tool. */
export type SearchTextArgs = {
  query: string;
  path?: string | undefined;
  filePattern?: string | undefined;
  caseSensitive?: boolean | undefined;
};

/** One line that contains the query. */
export type TextMatch = {
  path: string;
  /** 1-based line number. */
  line: number;
  /** The line, shortened around the match when long. */
  text: string;
};

/** What the search-text tool returns. */
export type SearchTextResult = {
  matches: TextMatch[];
  filesSearched: number;
  /** Binary files and files over the size limit, which were not searched. */
  filesSkipped: number;
  /** Set when a limit stopped the search early. */
  note?: string | undefined;
};

const MAX_DEPTH = 64;
const LINE_CONTEXT = 80;

/** A line end: CRLF first, so that it counts once, then a lone CR or LF. */
const LINE_END = /\r\n|\r|\n/;

/**
 * The lines of a text at every line end an editor knows: LF, CRLF, and the lone CR of classic
 * Mac files, which a split on LF alone read as one line holding the whole file (one match, on
 * line 1). The regular expression costs about twice a split on LF (10 MB: ~150 ms against
 * ~80 ms at load 23), so a text with no CR at all, most of them, is split on LF.
 */
function splitLines(text: string): string[] {
  return text.includes('\r') ? text.split(LINE_END) : text.split('\n');
}

/** @internal */
export function createSearchTextTool(
  settings: FileToolsSettings,
): DefinedTool<SearchTextArgs, SearchTextResult> {
  return defineTool({
    name: settings.names.search,
    description: `Searches the text files under a folder for a literal string (not a regular expression) and returns the matching lines with their line numbers, up to ${settings.maxResults} matches. Case-insensitive unless caseSensitive is true (locale-independent, one character for one: İ and I match i, but ı does not, and ß does not match SS). Binary files and files over ${settings.maxSearchFileBytes} bytes are skipped. Example: { "query": "TODO", "filePattern": "*.ts" }.`,
    parameters: z.object({
      query: z
        .string()
        .min(1)
        .max(200)
        .describe('The exact text to find (no wildcards or regular expressions).'),
      path: z
        .string()
        .max(1024)
        .optional()
        .describe(`Folder to search in. ${PATH_DESCRIPTION} Default ".".`),
      filePattern: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe(
          'Only search files whose name matches, e.g. "*.md" (same patterns as the find tool). Names only: use path to pick the folder.',
        ),
      caseSensitive: z.boolean().optional().describe('Match case exactly. Default false.'),
    }),
    execute: async ({ query, path = '.', filePattern, caseSensitive = false }, context) => {
      const folder = await resolveSearchFolder(settings.rootReal, path, settings.names);
      const namePattern = filePattern === undefined ? undefined : toNamePattern(filePattern);
      const candidates: { relative: string; absolute: string }[] = [];
      const walk = await walkDirectory({
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
          if (
            entry.type === 'file' &&
            (namePattern === undefined || matchName(namePattern, entry.name))
          ) {
            candidates.push({ relative: entry.relative, absolute: entry.absolute });
          }
        },
      });
      candidates.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));

      // Each file is opened by openFileInRoot, which proves it lies inside the root (a folder
      // swapped for a link after the walk cannot lead the search out), and sized on its handle.
      const readCandidate = async (
        candidate: { relative: string; absolute: string },
        readSoFar: number,
      ): Promise<Buffer | undefined | 'budget'> => {
        let handle: FileHandle;
        try {
          handle = await openFileInRoot({
            rootReal: settings.rootReal,
            absolute: candidate.absolute,
            relative: candidate.relative,
            flags: READ_FLAGS,
            fdPaths: settings.fdPaths,
            names: settings.names,
          });
        } catch {
          return undefined;
        }
        try {
          const info = await handle.stat();
          // A file with other names (a hard link) may be one outside the root: skipped, as
          // read_file refuses it (read-text-chunk.ts), unless `allowHardLinks`.
          if (
            !info.isFile() ||
            (info.nlink > 1 && !settings.allowHardLinks) ||
            info.size > settings.maxSearchFileBytes
          ) {
            return undefined;
          }
          if (readSoFar + info.size > settings.maxSearchBytes) return 'budget';
          // Exactly the size checked against the budgets, even if the file grows meanwhile.
          const buffer = Buffer.alloc(info.size);
          const { bytesRead: got } = await handle.read(buffer, 0, info.size, 0);
          return buffer.subarray(0, got);
        } catch {
          return undefined;
        } finally {
          await handle.close();
        }
      };
      const needle = caseSensitive ? query : foldCase(query);
      const matches: TextMatch[] = [];
      let filesSearched = 0;
      let filesSkipped = 0;
      let bytesRead = 0;
      let stoppedBy: 'matches' | 'bytes' | undefined;
      for (const candidate of candidates) {
        context.signal.throwIfAborted();
        const read = await readCandidate(candidate, bytesRead);
        if (read === 'budget') {
          stoppedBy = 'bytes';
          break;
        }
        const bytes = read;
        if (bytes === undefined || looksBinary(bytes)) {
          filesSkipped++;
          continue;
        }
        bytesRead += bytes.length;
        filesSearched++;
        const lines = splitLines(bytes.toString('utf8'));
        for (let index = 0; index < lines.length; index++) {
          const line = lines[index] as string;
          // Folded to the same length: an offset in it is one in the line.
          const searched = caseSensitive ? line : foldCase(line);
          const found = searched.indexOf(needle);
          if (found === -1) continue;
          matches.push({
            path: candidate.relative,
            line: index + 1,
            text: excerpt(line, found, needle.length),
          });
          if (matches.length >= settings.maxResults) break;
        }
        if (matches.length >= settings.maxResults) {
          stoppedBy = 'matches';
          break;
        }
      }
      // Each line is already an excerpt around its match (`excerpt`); their paths are not.
      const { kept, note } = keepWithinCharacters(
        matches,
        (match) => match.path.length + match.text.length,
        {
          noun: 'matches',
          measured: 'paths and lines',
          narrow: 'narrow the query, the folder or filePattern',
        },
      );
      const result: SearchTextResult = { matches: kept, filesSearched, filesSkipped };
      if (note !== undefined) {
        result.note = note;
      } else if (stoppedBy === 'matches') {
        result.note = `Stopped at ${settings.maxResults} matches; narrow the query, the folder or filePattern.`;
      } else if (stoppedBy === 'bytes') {
        result.note = `Stopped after reading ${settings.maxSearchBytes} bytes of files; search a subfolder or use filePattern to cover the rest.`;
      } else if (walk.truncated) {
        result.note = `Only the first ${settings.maxEntries} files and folders were looked at; search a subfolder to cover the rest.`;
      }
      if (namePattern !== undefined && filePattern !== namePattern) {
        result.note =
          `${result.note ?? ''} filePattern matches file names only, so it was read as ${quoteText(namePattern)}; use path for the folder.`.trim();
      }
      return result;
    },
  });
}

/** The line trimmed, cut to the match with some context either side when it is long. */
function excerpt(text: string, column: number, length: number): string {
  if (text.length <= LINE_CONTEXT * 2 + length) return text.trim();
  let start = Math.max(0, column - LINE_CONTEXT);
  let end = Math.min(text.length, column + length + LINE_CONTEXT);
  // Never between the halves of an emoji: half a surrogate pair is no character, and a strict
  // JSON or UTF-8 reader on the way to the model refuses it (or reads U+FFFD).
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  if (isLowSurrogate(text.charCodeAt(end))) end++;
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
