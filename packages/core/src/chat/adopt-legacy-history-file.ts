import { dirname, join } from 'node:path';
import type { ChatStoreOperation } from '../errors/chat-store-error.ts';
import { legacyHistoryFileName } from './history-file.ts';
import { acquireHistoryFileLock } from './history-file-lock.ts';
import { fs, syncDirectory } from './history-file-writes.ts';

/** Where the session's file is, and what to name in an error. */
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
    await fs().rename(legacy, file);
    await syncDirectory(folder);
  } finally {
    await legacyLock.release();
  }
}

/** Whether `path` names something (a file the store can read, or anything else it must not hide). */
async function exists(path: string): Promise<boolean> {
  try {
    await fs().lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
