import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import type { FileToolNames } from './file-tools-settings.ts';
import { readDirectoryInRoot } from './open-in-root.ts';

/** One entry met while walking. @internal */
export type WalkEntry = {
  /** Absolute path. */
  absolute: string;
  /** Path relative to the root, `/`-separated. */
  relative: string;
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** 1 for the entries of the start directory. */
  depth: number;
};

/** The options of {@link walkDirectory}. @internal */
export type WalkOptions = {
  /** The root's real path: every folder listed is proven to lie under it. */
  rootReal: string;
  /** From {@link probeFdPaths}. */
  fdPaths: boolean;
  /** The tools as the model sees them, for messages that point at another tool. */
  names: FileToolNames;
  /** Absolute path of the directory to walk (already checked to be inside the root). */
  start: string;
  /** Its path relative to the root (`.` for the root). */
  startRelative: string;
  /** How deep to go; 1 lists the start directory only. */
  maxDepth: number;
  /** Directory names not descended into (still reported). */
  skipDirectories: ReadonlySet<string>;
  /** Stop after this many entries; `truncated` tells. */
  maxEntries: number;
  signal: AbortSignal;
  /** Called for every entry, in sorted order per directory; return `false` to stop the walk. */
  visit: (entry: WalkEntry) => boolean | undefined;
};

/**
 * Walks a directory tree breadth-first without recursion (no stack to overflow on deep trees),
 * never following symbolic links (a link to a directory is reported, not entered, so it can
 * neither leave the root nor loop). Each folder is listed by {@link readDirectoryInRoot}, so one
 * swapped for a link while the walk runs is skipped, not listed. Unreadable directories are
 * skipped.
 *
 * @returns whether the walk stopped early (entry limit or `visit` returned false).
 * @throws the signal's reason when it aborts.
 * @internal
 */
export async function walkDirectory(
  options: WalkOptions,
): Promise<{ truncated: boolean; visited: number }> {
  const { maxDepth, skipDirectories, maxEntries, signal, visit } = options;
  const queue: { absolute: string; relative: string; depth: number }[] = [
    { absolute: options.start, relative: options.startRelative, depth: 1 },
  ];
  let visited = 0;
  for (let head = 0; head < queue.length; head++) {
    signal.throwIfAborted();
    const directory = queue[head] as (typeof queue)[number];
    let entries: Dirent[];
    try {
      entries = await readDirectoryInRoot({
        rootReal: options.rootReal,
        absolute: directory.absolute,
        relative: directory.relative,
        fdPaths: options.fdPaths,
        names: options.names,
      });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of entries) {
      if (visited >= maxEntries) return { truncated: true, visited };
      visited++;
      const entry: WalkEntry = {
        absolute: join(directory.absolute, dirent.name),
        relative: directory.relative === '.' ? dirent.name : `${directory.relative}/${dirent.name}`,
        name: dirent.name,
        type: dirent.isSymbolicLink()
          ? 'symlink'
          : dirent.isDirectory()
            ? 'directory'
            : dirent.isFile()
              ? 'file'
              : 'other',
        depth: directory.depth,
      };
      if (visit(entry) === false) return { truncated: true, visited };
      if (
        entry.type === 'directory' &&
        directory.depth < maxDepth &&
        !skipDirectories.has(dirent.name)
      ) {
        queue.push({
          absolute: entry.absolute,
          relative: entry.relative,
          depth: directory.depth + 1,
        });
      }
    }
    // Let go of finished directories so a wide walk does not keep every path alive.
    queue[head] = undefined as never;
  }
  return { truncated: false, visited };
}
