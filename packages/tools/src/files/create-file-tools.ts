import { realpathSync, statSync } from 'node:fs';
import type { DefinedTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import {
  arrayOption,
  booleanOption,
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  quoteText,
  stringOption,
} from '@gemloop/core/internal';
import type { FunctionTool } from '@gemloop/core/tools';
import { wholeNumberOption } from '../internal/whole-number-option.ts';
import type { FindFilesArgs, FindFilesResult } from './create-find-files-tool.ts';
import { createFindFilesTool } from './create-find-files-tool.ts';
import type { ListFilesArgs, ListFilesResult } from './create-list-files-tool.ts';
import { createListFilesTool } from './create-list-files-tool.ts';
import type { ReadFileArgs, ReadFileResult } from './create-read-file-tool.ts';
import { createReadFileTool } from './create-read-file-tool.ts';
import type { SearchTextArgs, SearchTextResult } from './create-search-text-tool.ts';
import { createSearchTextTool } from './create-search-text-tool.ts';
import type { WriteFileArgs, WriteFileResult } from './create-write-file-tool.ts';
import { createWriteFileTool } from './create-write-file-tool.ts';
import type { FileToolsSettings } from './file-tools-settings.ts';
import { fileToolNames } from './file-tools-settings.ts';
import { probeFdPaths } from './open-in-root.ts';
import { protectedFolderKeys } from './protected-folders.ts';

/** The options of {@link createFileTools}. */
export type FileToolsOptions = {
  /** The folder the tools work in; nothing outside it can be read or written. Must exist. */
  root: string;
  /** Offer the write tool. @defaultValue false */
  allowWrite?: boolean | undefined;
  /** With `allowWrite`, let writes replace existing files (when the model passes `overwrite: true`). @defaultValue true */
  allowOverwrite?: boolean | undefined;
  /** Most bytes one read returns (the model pages with `offset`). @defaultValue 100000 */
  maxReadBytes?: number | undefined;
  /** Largest file the write tool writes, in bytes. @defaultValue 1000000 */
  maxWriteBytes?: number | undefined;
  /** Most matches a find or text search returns. @defaultValue 100 */
  maxResults?: number | undefined;
  /** Most files and folders a listing or search looks at. @defaultValue 5000 */
  maxEntries?: number | undefined;
  /** Files larger than this are skipped by the text search. @defaultValue 1000000 */
  maxSearchFileBytes?: number | undefined;
  /** Most bytes one text search reads in total. @defaultValue 50000000 */
  maxSearchBytes?: number | undefined;
  /**
   * Folder names that recursive listings and searches do not enter, and that the write tool never
   * writes into (nor creates), at any depth; `.git` is never written even when left out here.
   * @defaultValue `['.git', 'node_modules']`
   */
  skipDirectories?: readonly string[] | undefined;
  /** Prefix of the tool names, e.g. `'docs_'`. @defaultValue `''` */
  namePrefix?: string | undefined;
  /**
   * Read and search files that have more than one name (hard links). Off by default: a hard link
   * in the root may be a file outside it under a second name, which no path check can see. Turn it
   * on for a root whose files are hard links by design (a pnpm `node_modules`, a Nix store, a
   * hard-link backup) when no one who could write in the root could link a file in from outside.
   * @defaultValue false
   */
  allowHardLinks?: boolean | undefined;
};

/** The file tools, one per job, and the enabled ones as a list for an agent. */
export type FileTools = {
  /** `list_files`: the entries of a folder, optionally a few levels deep. */
  listFiles: DefinedTool<ListFilesArgs, ListFilesResult>;
  /** `read_file`: a text file, in pages of at most `maxReadBytes`. */
  readFile: DefinedTool<ReadFileArgs, ReadFileResult>;
  /** `find_files`: files whose name matches a pattern. */
  findFiles: DefinedTool<FindFilesArgs, FindFilesResult>;
  /** `search_text`: lines containing a literal string. */
  searchText: DefinedTool<SearchTextArgs, SearchTextResult>;
  /** `write_file`, only with `allowWrite: true`. */
  writeFile: DefinedTool<WriteFileArgs, WriteFileResult> | undefined;
  /** The enabled tools, for `createAgent({ tools: [...files.tools] })`. */
  // biome-ignore lint/suspicious/noExplicitAny: a list of tools holds tools of any argument type.
  tools: readonly FunctionTool<any, any>[];
};

const limit = (max: number) => wholeNumberOption('createFileTools', 1, max);

const fileToolsOptions: DeclaredOptions<FileToolsOptions> = defineOptions<FileToolsOptions>({
  name: 'createFileTools',
  example: "{ root: './docs' }",
  checks: {
    // Resolved to its real path where used, which says whether it exists and is a folder.
    root: checkedWhereUsed,
    allowWrite: booleanOption(),
    allowOverwrite: booleanOption(),
    maxReadBytes: limit(100_000_000),
    maxWriteBytes: limit(1_000_000_000),
    maxResults: limit(100_000),
    maxEntries: limit(10_000_000),
    maxSearchFileBytes: limit(1_000_000_000),
    maxSearchBytes: limit(100_000_000_000),
    skipDirectories: arrayOption({
      item: (name) => typeof name === 'string',
      message:
        "createFileTools: skipDirectories must be an array of folder names such as ['.git'].",
    }),
    namePrefix: stringOption(),
    allowHardLinks: booleanOption(),
  },
});

/**
 * File tools confined to one root folder: list, read, find by name, search text, and (only with
 * `allowWrite`) write. Every path from the model is resolved against the root and refused when it
 * leaves it, lexically (`..`, absolute paths) or through a symbolic link (a linked file or a
 * linked parent directory whose real path is outside). Reads are paged and capped, binary files
 * are refused, searches are bounded in files, bytes and matches, and writes are atomic, never
 * follow a link, and never touch `.git` or the other skipped folders.
 *
 * Nor do writes plant a git repository, which git would use (running the commands its config
 * names) when a developer runs git in that folder: git takes any folder holding a `HEAD` that
 * names a ref or an object (`ref: refs/...`, or 40 hex digits), `objects/` and `refs/` for a bare
 * repository (`is_git_directory()` in git's setup.c; `safe.bareRepository` is `all` by default
 * in git 2.x). So a write that would make a folder look like that (or hold such a `HEAD` and a
 * `commondir`) is refused, and nothing is written inside a folder that already does, as for
 * `.git`. A project's own `config` or `HEAD` file, `objects/` and `refs/` folders, and a `HEAD`
 * git would not take stay writable.
 *
 * @example
 * const files = createFileTools({ root: './workspace', allowWrite: true });
 * const agent = createAgent({ model, tools: [...files.tools] });
 *
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} when `root` is not an existing folder or a limit is invalid.
 */
export function createFileTools(options: FileToolsOptions): FileTools {
  const {
    root,
    allowWrite = false,
    allowOverwrite = true,
    maxReadBytes = 100_000,
    maxWriteBytes = 1_000_000,
    maxResults = 100,
    maxEntries = 5000,
    maxSearchFileBytes = 1_000_000,
    maxSearchBytes = 50_000_000,
    skipDirectories = ['.git', 'node_modules'],
    namePrefix = '',
    allowHardLinks = false,
  } = checkOptionsCopy(fileToolsOptions, options);
  const rootReal = resolveRoot(root);
  const settings: FileToolsSettings = {
    rootReal,
    fdPaths: probeFdPaths(rootReal),
    maxReadBytes,
    maxWriteBytes,
    maxResults,
    maxEntries,
    maxSearchFileBytes,
    maxSearchBytes,
    skipDirectories: new Set(skipDirectories),
    protectedFolders: protectedFolderKeys(skipDirectories),
    allowOverwrite,
    allowHardLinks,
    names: fileToolNames(namePrefix),
  };
  const listFiles = createListFilesTool(settings);
  const readFile = createReadFileTool(settings);
  const findFiles = createFindFilesTool(settings);
  const searchText = createSearchTextTool(settings);
  const writeFile = allowWrite ? createWriteFileTool(settings) : undefined;
  return {
    listFiles,
    readFile,
    findFiles,
    searchText,
    writeFile,
    tools:
      writeFile === undefined
        ? [listFiles, readFile, findFiles, searchText]
        : [listFiles, readFile, findFiles, searchText, writeFile],
  };
}

// Resolved once: every later check compares real paths against this real root.
function resolveRoot(root: string): string {
  if (typeof root !== 'string' || root === '') {
    throw new InvalidArgumentError({
      argument: 'root',
      message: 'createFileTools: root must be the path of an existing folder.',
    });
  }
  let real: string;
  try {
    real = realpathSync(root);
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'root',
      message: `createFileTools: root ${quoteText(root)} ${rootFailure(root, cause)}`,
      cause,
    });
  }
  if (!statSync(real).isDirectory()) {
    throw new InvalidArgumentError({
      argument: 'root',
      message: `createFileTools: root ${quoteText(root)} is a file, not a folder.`,
    });
  }
  return real;
}

// What to tell the app about a root realpath refused: "create the folder" fits a missing one only;
// a file in the way, a path too long, a NUL byte or a link loop would be refused by mkdir too.
function rootFailure(root: string, cause: unknown): string {
  if (root.includes('\0')) return 'contains a NUL byte, which no file system path can hold.';
  switch ((cause as { code?: unknown } | null)?.code) {
    case 'ENOENT':
      return 'does not exist. Create the folder first.';
    case 'ENOTDIR':
      return 'cannot be a folder: a part of the path is a file, not a folder.';
    case 'ENAMETOOLONG':
      return 'is too long for the file system (a path or one of its names).';
    case 'ELOOP':
      return 'cannot be resolved: its symbolic links loop.';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be opened: permission denied. Give the process access or choose another folder.';
    default:
      return 'cannot be opened; check that it is a folder this process can read.';
  }
}
