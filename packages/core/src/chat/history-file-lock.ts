import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Os from 'node:os';
import { dirname } from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import type { ChatStoreOperation } from '../errors/chat-store-error.ts';
import {
  ChatStoreLockedError,
  type ChatStoreLockHolder,
} from '../errors/chat-store-locked-error.ts';
import { makeFolder } from '../shared/files/make-folder.ts';

// Loaded at the first lock, not when gemloop is imported (see create-file-history-store.ts).
const require = createRequire(import.meta.url);
const load = <T>(name: string): (() => T) => {
  let module: T | undefined;
  return () => (module ??= require(name) as T);
};
const fs = load<typeof FsPromises>('node:fs/promises');
const fsSync = load<typeof Fs>('node:fs');
const os = load<typeof Os>('node:os');
const crypto = load<typeof Crypto>('node:crypto');
const workerThreads = load<typeof WorkerThreads>('node:worker_threads');

/** What a lock file holds: who took it, and a token that tells this taking from any other. */
type LockRecord = ChatStoreLockHolder & { threadId: number; token: string };

/**
 * The locks this thread holds, lock file to token: one table per thread (on `globalThis`, so two
 * copies of gemloop in one program share it), because the lock belongs to the process, and the
 * exit hook that removes them must find every one.
 */
type LockTable = { held: Map<string, string>; exitHook: boolean };
// why (brand): a registered symbol on `globalThis`, so every copy of gemloop in the thread finds
// the one lock table (the locks are the process's).
const tableKey = Symbol.for('gemloop.chat-file-locks');
function lockTable(): LockTable {
  const global = globalThis as { [tableKey]?: LockTable };
  global[tableKey] ??= { held: new Map(), exitHook: false };
  return global[tableKey];
}

/** A held lock on one history file. @internal */
export type HistoryFileLock = {
  readonly lockFile: string;
  /** Removes the lock file, if it is still this lock's. Never throws. */
  release(): Promise<void>;
};

/**
 * Takes the single-writer lock of a history file: `<file>.lock`, created with `O_EXCL` and holding
 * the pid, host name and start time of this process. A lock whose process is dead on this host
 * (a crash, a kill) is taken over; any other is refused.
 *
 * @throws {@link ChatStoreLockedError} when another writer holds the file.
 * @internal
 */
export async function acquireHistoryFileLock(
  file: string,
  { operation, sessionId }: { operation: ChatStoreOperation; sessionId: string },
): Promise<HistoryFileLock> {
  const lockFile = `${file}.lock`;
  const table = lockTable();
  const own: LockRecord = {
    pid: process.pid,
    hostname: os().hostname(),
    startedAt: Math.round(performance.timeOrigin),
    threadId: workerThreads().threadId,
    token: crypto().randomBytes(12).toString('hex'),
  };
  const text = `${JSON.stringify(own)}\n`;
  await makeFolder({ dir: dirname(file), mkdir: (path) => fs().mkdir(path), dirname });
  // A few rounds: a stale lock removed, or a holder that released meanwhile, ends a round.
  for (let round = 0; round < 5; round++) {
    if (await create(lockFile, text)) {
      table.held.set(lockFile, own.token);
      installExitHook(table);
      return {
        lockFile,
        release: async () => {
          if (table.held.get(lockFile) === own.token) table.held.delete(lockFile);
          await removeIfOwn(lockFile, own.token);
        },
      };
    }
    const found = await readLock(lockFile);
    if (found === 'missing') continue;
    const holder = found.record;
    if (
      holder === undefined ? await isAbandoned(lockFile) : isStale(holder, own, table, lockFile)
    ) {
      await removeStale(lockFile, found.raw);
      continue;
    }
    throw new ChatStoreLockedError({
      file,
      lockFile,
      holder:
        holder === undefined
          ? undefined
          : { pid: holder.pid, hostname: holder.hostname, startedAt: holder.startedAt },
      sameProcess:
        holder !== undefined && holder.pid === own.pid && holder.hostname === own.hostname,
      operation,
      sessionId,
    });
  }
  throw new ChatStoreLockedError({
    file,
    lockFile,
    holder: undefined,
    sameProcess: false,
    operation,
    sessionId,
  });
}

/** Creates the lock file with O_EXCL; `false` when it exists. */
async function create(lockFile: string, text: string): Promise<boolean> {
  let handle: FsPromises.FileHandle;
  try {
    handle = await fs().open(lockFile, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close();
    await fs()
      .unlink(lockFile)
      .catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

/**
 * The lock file's record (`undefined` when its text is no lock record), or `'missing'` when it is
 * gone. An empty file is read twice: its creator may not have written it yet.
 */
async function readLock(
  lockFile: string,
): Promise<{ record: LockRecord | undefined; raw: string } | 'missing'> {
  for (let attempt = 0; ; attempt++) {
    let raw: string;
    try {
      raw = await fs().readFile(lockFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
    if (raw === '' && attempt === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    return { record: parseRecord(raw), raw };
  }
}

function parseRecord(raw: string): LockRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockRecord> | null;
    if (
      typeof value === 'object' &&
      value !== null &&
      Number.isInteger(value.pid) &&
      typeof value.hostname === 'string' &&
      typeof value.startedAt === 'number' &&
      typeof value.token === 'string'
    ) {
      return value as LockRecord;
    }
  } catch {
    // Not a lock record.
  }
  return undefined;
}

/**
 * How long a lock file may hold no lock record before it is taken for abandoned. A writer writes
 * its record in one write right after creating the file (`create`), so a live one leaves it empty
 * for microseconds; 10 s is past any pause of a loaded machine, and short enough that a session
 * waits for nobody.
 * @internal
 */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;

/**
 * Whether a lock file that holds no lock record (empty, cut short, garbage) was abandoned: a
 * writer killed between creating and writing it, a disk that lost the write, a file written by
 * something else. Its holder cannot be asked (no pid, no host), so its age decides: older than
 * {@link UNREADABLE_LOCK_GRACE_MS} by its modification time, it is stale, and is taken over as a
 * dead holder's is (`removeStale`, which puts back a lock that changed meanwhile). Kept for ever,
 * it refused every later writer of the history until someone deleted it by hand.
 */
async function isAbandoned(lockFile: string): Promise<boolean> {
  try {
    return Date.now() - (await fs().stat(lockFile)).mtimeMs > UNREADABLE_LOCK_GRACE_MS;
  } catch {
    // Gone (the next round creates it) or not readable: not taken over.
    return false;
  }
}

/**
 * Whether a lock's holder is certainly gone: a process of this host that is not running, or this
 * very process before a restart that reused its pid, or a lock of this thread no store holds.
 * Another host cannot be checked: its locks are never stale here.
 */
function isStale(holder: LockRecord, own: LockRecord, table: LockTable, lockFile: string): boolean {
  if (holder.hostname !== own.hostname) return false;
  if (holder.pid === own.pid) {
    // Another start time: an earlier process that had this pid (a container restarted, pids
    // reused). Compared loosely, in case a runtime gives a worker thread its own time origin.
    if (Math.abs(holder.startedAt - own.startedAt) > 1000) return true;
    if (holder.threadId !== own.threadId) return false;
    return !table.held.has(lockFile);
  }
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock, unless another process replaced it meanwhile: the lock is renamed aside
 * (one atomic step, so two processes cannot both remove it), checked, and put back when it was
 * not the stale one after all.
 */
async function removeStale(lockFile: string, staleText: string): Promise<void> {
  const aside = `${lockFile}.${crypto().randomBytes(6).toString('hex')}.stale`;
  try {
    await fs().rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs()
    .readFile(aside, 'utf8')
    .catch(() => undefined);
  if (moved !== staleText) {
    // A fresh lock: back in place, unless a third writer already took the name.
    await fs()
      .link(aside, lockFile)
      .catch(() => {});
  }
  await fs()
    .unlink(aside)
    .catch(() => {});
}

async function removeIfOwn(lockFile: string, token: string): Promise<void> {
  try {
    const record = parseRecord(await fs().readFile(lockFile, 'utf8'));
    if (record?.token === token) await fs().unlink(lockFile);
  } catch {
    // Gone already, or unreadable: a lock left behind is taken over once this process is gone.
  }
}

/** Removes this thread's locks when the process (or worker thread) exits normally. */
function installExitHook(table: LockTable): void {
  if (table.exitHook) return;
  table.exitHook = true;
  process.once('exit', () => {
    for (const [lockFile, token] of table.held) {
      try {
        const record = parseRecord(fsSync().readFileSync(lockFile, 'utf8'));
        if (record?.token === token) fsSync().unlinkSync(lockFile);
      } catch {
        // Best effort: a lock left behind is stale once this process is gone.
      }
    }
    table.held.clear();
  });
}
