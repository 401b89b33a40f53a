/**
 * The names of the file tools as the model sees them (with the `namePrefix`), which messages use
 * when they point the model at another tool.
 * @internal
 */
export type FileToolNames = {
  list: string;
  read: string;
  find: string;
  search: string;
  write: string;
};

/** The tool names for a `namePrefix` (`''` for none). @internal */
export function fileToolNames(namePrefix: string): FileToolNames {
  return {
    list: `${namePrefix}list_files`,
    read: `${namePrefix}read_file`,
    find: `${namePrefix}find_files`,
    search: `${namePrefix}search_text`,
    write: `${namePrefix}write_file`,
  };
}

/** What every file tool of one {@link createFileTools} call shares. @internal */
export type FileToolsSettings = {
  /** The root's real path (symbolic links resolved once, at creation). */
  rootReal: string;
  /** Whether `/proc/self/fd` can prove where an opened file is (Linux), probed at creation. */
  fdPaths: boolean;
  maxReadBytes: number;
  maxWriteBytes: number;
  maxResults: number;
  maxEntries: number;
  maxSearchFileBytes: number;
  maxSearchBytes: number;
  skipDirectories: ReadonlySet<string>;
  /** Folders writes never touch (`.git` and the skipped folders), by `folderKey`. */
  protectedFolders: ReadonlyMap<string, string>;
  allowOverwrite: boolean;
  /** Whether files with more than one name (hard links) are read and searched. */
  allowHardLinks: boolean;
  /** The tool names, so descriptions and errors can point at each other. */
  names: FileToolNames;
};

/** The shared description of a `path` argument. @internal */
export const PATH_DESCRIPTION =
  'Path relative to the root folder, with "/" separators, e.g. "src/index.ts"; "." is the root. Absolute paths and ".." out of the root are refused.';
