// The file a path leads to through symbolic links, for the stores that lock a file and rename a
// new one over it. The file system is passed in (this folder imports nothing, so a browser bundle
// that reaches it through `@gemloop/core/internal` loads no `node:` module).

/** What `linkedFile` needs of `node:fs/promises` (the module itself will do). @internal */
export type LinkedFileSystem = {
  lstat: (path: string) => Promise<{ isSymbolicLink(): boolean }>;
  readlink: (path: string) => Promise<string>;
};

/** What `linkedFile` needs of `node:path` (the module itself will do). @internal */
export type LinkedFilePaths = {
  resolve: (...paths: string[]) => string;
  dirname: (path: string) => string;
};

/** How many links one lookup follows on Linux before ELOOP (the kernel's MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * The file `file` names: the one it links to when it is a symbolic link, followed link by link to
 * a file that may not exist yet (a link made before the data, as a container's volume is), else
 * `file` itself. A store locks, replaces and removes that file: renamed over, a link became a file
 * of its own, and a store given the file it pointed to took another lock while both wrote it
 * (knowledge67, in the memory file store; the chat store's `clear` did the same). Only links as the
 * last name are followed: a path through a linked folder stays as given (a rename works through
 * it). A loop of links gives `file` back, whose open then fails with the system's ELOOP. @internal
 */
export async function linkedFile(
  file: string,
  fs: LinkedFileSystem,
  path: LinkedFilePaths,
): Promise<string> {
  let current = file;
  for (let links = 0; links <= MAX_LINKS; links++) {
    try {
      if (!(await fs.lstat(current)).isSymbolicLink()) return current;
    } catch (error) {
      // No file at the end of the links yet: an open through them makes it there.
      if ((error as { code?: unknown } | null)?.code === 'ENOENT') return current;
      throw error;
    }
    current = path.resolve(path.dirname(current), await fs.readlink(current));
  }
  return file;
}
