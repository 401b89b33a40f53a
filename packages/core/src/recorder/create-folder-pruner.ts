import type * as FsPromises from 'node:fs/promises';
import { pruneRunFiles, type RecorderFiles, RUN_HEARTBEAT_MS } from './prune-run-files.ts';

/**
 * The share of `maxBytes` a walk that had to delete leaves free: the folder is walked again only
 * once this recorder has written that much since (or {@link RUN_HEARTBEAT_MS} has passed).
 */
const ROOM_FRACTION = 8;

/** What {@link createFolderPruner} needs. @internal */
export type FolderPrunerOptions = {
  fs: () => typeof FsPromises;
  openFlags: () => number;
  dir: string;
  maxBytes: number;
  /** The absolute paths of this recorder's files still being written, at the walk. */
  open: () => ReadonlySet<string>;
  files?: RecorderFiles | undefined;
};

/** Prunes a recorder's folder after a file closed, one prune at a time. @internal */
export type FolderPruner = {
  /** A file of `bytes` was closed: walks and prunes the folder when it may have passed `maxBytes`. */
  closed(bytes: number): Promise<void>;
};

/**
 * Keeps a recorder's folder within `maxBytes` without walking it after every run: a walk (a
 * `readdir` and an `lstat` of every file) cost a run as many calls as the folder held files
 * (attack50a: 2,000 a run at 2,000 files, ~50,000 at the default 100 MB of small runs), so a
 * server that records every run slowed down with every run it had kept. The folder is walked
 * again when the bytes found at the last walk plus what this recorder wrote since could pass
 * `maxBytes`, or a minute after the last walk (another process's runs in the same folder are
 * pruned within that); a walk past `maxBytes` deletes down to seven eighths of it, so the next
 * walk is many runs away. @internal
 */
export function createFolderPruner(options: FolderPrunerOptions): FolderPruner {
  const { dir, maxBytes } = options;
  // Which files were found to be the recorder's, so a walk reads each header once.
  const owned = new Map<string, { inode: string; owned: boolean }>();
  // One walk at a time: two at once would walk the same files.
  let pruning: Promise<void> = Promise.resolve();
  // The bytes the last walk left (undefined before the first), what was closed since, and when.
  let found: number | undefined;
  let closedSince = 0;
  let walkedAt = 0;
  return {
    closed(bytes) {
      const next = pruning.then(async () => {
        closedSince += bytes;
        const now = Date.now();
        const fresh = now - walkedAt < RUN_HEARTBEAT_MS;
        if (found !== undefined && fresh && found + closedSince <= maxBytes) return;
        found = await pruneRunFiles({
          fs: options.fs(),
          openFlags: options.openFlags(),
          dir,
          maxBytes,
          keepBytes: maxBytes - Math.floor(maxBytes / ROOM_FRACTION),
          open: options.open(),
          now,
          owned,
          files: options.files,
        });
        closedSince = 0;
        walkedAt = now;
      });
      pruning = next.catch(() => undefined);
      return next;
    },
  };
}
