import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ChatStoreError, type ChatStoreOperation } from '../errors/chat-store-error.ts';
import { ChatStoreLockedError } from '../errors/chat-store-locked-error.ts';
import { makeFolder } from '../shared/files/make-folder.ts';
import { type HeldLockFile, takeLockFile } from '../shared/files/take-lock-file.ts';
import { legacyHistoryFileName } from './history-file.ts';
import { fs as historyFs, syncDirectory } from './history-file-writes.ts';

// Loaded at the first lock, not when gemloop is imported (see create-file-history-store.ts).
const require = createRequire(import.meta.url);

/** A held lock on one history file. @internal */
export type HistoryFileLock = HeldLockFile;

/**
 * Takes the single-writer lock of a history file: `<file>.lock` (`takeLockFile`, the lock of every
 * file store), holding the pid, host name, start time and thread of its taker. A lock whose holder
 * is gone (a process of this host that died, an earlier process with this pid, a file with no
 * record older than 10 s) is taken over; any other is refused at once.
 *
 * @throws {@link ChatStoreLockedError} when another writer holds the file; a
 *   {@link ChatStoreError} when the lock path is no regular file (a FIFO planted there).
 * @internal
 */
export async function acquireHistoryFileLock(
  file: string,
  { operation, sessionId }: { operation: ChatStoreOperation; sessionId: string },
): Promise<HistoryFileLock> {
  const lockFile = `${file}.lock`;
  const fs = require('node:fs/promises') as typeof FsPromises;
  await makeFolder({ dir: dirname(file), mkdir: (path) => fs.mkdir(path), dirname });
  const found = await takeLockFile(lockFile);
  if (found.status === 'taken') return found.lock;
  if (found.status === 'not-a-file') {
    throw new ChatStoreError({
      operation,
      sessionId,
      message: `The chat history file's lock file ${lockFile} is not a regular file (a FIFO, a device, a folder); remove it.`,
    });
  }
  const { holder, sameProcess } = found;
  throw new ChatStoreLockedError({
    file,
    lockFile,
    holder:
      holder === undefined
        ? undefined
        : { pid: holder.pid, hostname: holder.hostname, startedAt: holder.startedAt },
    sameProcess,
    operation,
    sessionId,
  });
}

/** Where the session's file is, and what to name in an error (`adoptLegacyHistoryFile`). */
type AdoptLegacyHistoryFileOptions = {
  /** The session's file as this gemloop names it (its lock held by the caller). */
  file: string;
  sessionId: string;
  operation: ChatStoreOperation;
  /** `process.platform`: on Windows the old name was the device, which kept nothing. */
  platform: string;
};

/**
 * Moves a session's history from the file an earlier gemloop named it (`con.jsonl`, see
 * {@link legacyHistoryFileName}) to the file this one reads (`%63on.jsonl`), when only the old one
 * exists. Without it an upgrade lost such a session's turns without a word: the store read an
 * empty new file and the next send started a new conversation beside the old file.
 *
 * The caller holds the new file's lock; the old file's lock is taken too (the earlier gemloop's
 * lock file, `con.jsonl.lock`), so a process of the earlier version still writing there is a
 * `ChatStoreLockedError` naming it, and a dead one's lock is taken over as ever. The move is
 * one `rename` in one folder: a crash leaves the turns under one name or the other, never both or
 * neither.
 * @internal
 */
export async function adoptLegacyHistoryFile({
  file,
  sessionId,
  operation,
  platform,
}: AdoptLegacyHistoryFileOptions): Promise<void> {
  const legacyName = legacyHistoryFileName(sessionId);
  if (legacyName === undefined || platform === 'win32') return;
  const folder = dirname(file);
  const legacy = join(folder, legacyName);
  if ((await exists(file)) || !(await exists(legacy))) return;
  const legacyLock = await acquireHistoryFileLock(legacy, { operation, sessionId });
  try {
    // Looked at again under both locks: another store of this version may have moved it.
    if ((await exists(file)) || !(await exists(legacy))) return;
    await historyFs().rename(legacy, file);
    await syncDirectory(folder);
  } finally {
    await legacyLock.release();
  }
}

/** Whether `path` names something (a file the store can read, or anything else it must not hide). */
async function exists(path: string): Promise<boolean> {
  try {
    await historyFs().lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
