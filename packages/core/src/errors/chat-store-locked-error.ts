import { ChatStoreError, type ChatStoreOperation } from './chat-store-error.ts';
import { GemloopError } from './gemloop-error.ts';

/** Who holds a history file's lock, as its lock file says. */
export type ChatStoreLockHolder = {
  pid: number;
  hostname: string;
  /** When the holding process started, in ms since the epoch. */
  startedAt: number;
};

/**
 * A file history store refused a history file that another writer holds: another process (on
 * this host or, for a shared disk, another), or another store object of this process. Two writers
 * appending to one file lose acknowledged turns, so the store takes a lock file (`lockFile`, next
 * to the history) before its first use of a file and keeps it until `close()`. Nothing was read,
 * sent or written.
 *
 * Use each history file from one process through one store (share the store), close the other
 * store (`store.close()`, `chat.close()`) or stop the other process. A lock left
 * by a process that died on this host is taken over by itself; one whose process cannot be
 * checked (another host, a recycled pid) is for you to delete once you know nothing uses the file.
 */
export class ChatStoreLockedError extends ChatStoreError {
  override readonly code = 'chat-store-locked';
  readonly reason = 'locked' as const;
  /** The history file. */
  readonly file: string;
  /** The lock file that is held. */
  readonly lockFile: string;
  /** Who holds it; `undefined` when the lock file could not be read. */
  readonly holder: ChatStoreLockHolder | undefined;

  constructor({
    file,
    lockFile,
    holder,
    sameProcess,
    operation,
    sessionId,
  }: {
    file: string;
    lockFile: string;
    holder: ChatStoreLockHolder | undefined;
    /** The holder is another store object of this process (or thread). */
    sameProcess: boolean;
    operation: ChatStoreOperation;
    sessionId: string;
  }) {
    super({
      message: `${describeHolder(file, lockFile, holder, sameProcess)} Two writers appending to one chat history file lose turns, so this store does not use it.${fix(lockFile, holder, sameProcess)}`,
      operation,
      sessionId,
    });
    this.file = file;
    this.lockFile = lockFile;
    this.holder = holder;
  }

  static override isInstance(error: unknown): error is ChatStoreLockedError {
    return GemloopError.hasCode(error, 'chat-store-locked');
  }
}

function describeHolder(
  file: string,
  lockFile: string,
  holder: ChatStoreLockHolder | undefined,
  sameProcess: boolean,
): string {
  if (holder === undefined) {
    return `The chat history file ${file} is locked by ${lockFile}, which cannot be read as a lock (a writer is creating it, or one died or was cut short doing so: such a lock is taken over once it is 10 seconds old).`;
  }
  // The lock file is read from disk: a number past Date's range (8.64e15 ms) would make
  // toISOString throw a RangeError in place of this error.
  const started = new Date(holder.startedAt);
  const since = Number.isNaN(started.getTime()) ? '' : ` (started ${started.toISOString()})`;
  return sameProcess
    ? `The chat history file ${file} is in use by another file history store of this process (${holder.pid}), which holds ${lockFile}.`
    : `The chat history file ${file} is in use by process ${holder.pid} on ${holder.hostname}${since}, which holds ${lockFile}.`;
}

function fix(
  lockFile: string,
  holder: ChatStoreLockHolder | undefined,
  sameProcess: boolean,
): string {
  if (sameProcess) {
    return ' Create one createFileHistoryStore() for the file and share it, or close the other store first (store.close() or chat.close()).';
  }
  const gone =
    holder === undefined
      ? `If no process uses the file, delete ${lockFile}.`
      : `If that process is gone (another host cannot be checked from here, and a pid can be reused), delete ${lockFile}.`;
  return ` Use the file from one process only: stop the other process or let it close its store (store.close() or chat.close() release the lock; so does its exit). ${gone}`;
}
