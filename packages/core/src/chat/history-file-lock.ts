import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ChatStoreError, type ChatStoreOperation } from '../errors/chat-store-error.ts';
import { ChatStoreLockedError } from '../errors/chat-store-locked-error.ts';
import { makeFolder } from '../shared/files/make-folder.ts';
import { type HeldLockFile, takeLockFile } from '../shared/files/take-lock-file.ts';

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
