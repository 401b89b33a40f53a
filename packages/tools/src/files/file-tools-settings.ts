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
  /** The tool names, so descriptions and errors can point at each other. */
  names: { list: string; read: string; find: string; search: string; write: string };
};

/** The shared description of a `path` argument. @internal */
export const PATH_DESCRIPTION =
  'Path relative to the root folder, with "/" separators, e.g. "src/index.ts"; "." is the root. Absolute paths and ".." out of the root are refused.';
