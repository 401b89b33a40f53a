import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Os from 'node:os';
import type * as Path from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';

// The one lock file of gemloop's file stores (chat histories, memories). Its node: modules are
// loaded at the first lock, not when gemloop is imported: the stores are reached from entries a
// browser bundle may load too.
const require = createRequire(import.meta.url);
const fs = (): typeof FsPromises => require('node:fs/promises') as typeof FsPromises;
/** The file calls a taking makes: `node:fs/promises` unless a test passes a wrapper. @internal */
export type LockFileCalls = Pick<
  typeof FsPromises,
  'open' | 'link' | 'unlink' | 'rename' | 'readdir'
>;
const fsSync = (): typeof Fs => require('node:fs') as typeof Fs;
const path = (): typeof Path => require('node:path') as typeof Path;

/** What a lock file holds: who took it, and a token that tells this taking from any other. @internal */
export type LockFileRecord = {
  pid: number;
  hostname: string;
  /** The taking thread's `performance.timeOrigin`: an earlier process of this pid has another. */
  startedAt: number;
  threadId: number;
  /**
   * The process's start where the system tells it exactly (Linux: the boot's id and the start in
   * clock ticks, `/proc/self/stat`), the same in every thread and unmoved by a clock set: tells a
   * live thread of this process from an earlier process of this pid. Absent elsewhere.
   */
  process?: string | undefined;
  token: string;
};

/**
 * How long a lock file may hold no lock record before it is taken for abandoned. A writer writes
 * its record in one write right after creating the file, so a live one leaves it empty for
 * microseconds; 10 s is past any pause of a loaded machine, and short enough that nobody waits
 * long for a writer killed between the two.
 * @internal
 */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;

/**
 * How long after moving a lock aside a taker still puts back one that is not the lock it judged:
 * half of {@link UNREADABLE_LOCK_GRACE_MS}. A claim is a dead claimer's only when its claimer is
 * gone, so the lock under the name is the judged one when its claimer moves it; this is the
 * defence for a judgement that was wrong (a record-less lock whose creator was paused past the
 * grace), not the rule that keeps two holders apart.
 * @internal
 */
export const CLAIM_TRUST_MS: number = UNREADABLE_LOCK_GRACE_MS / 2;

// What `link` fails with where the file system has no hard links (FAT/exFAT: EPERM on Linux, some
// network mounts: ENOSYS, EXDEV, ENOTSUP), or refuses one (Linux's protected_hardlinks: EPERM).
const NO_HARD_LINK = new Set(['EPERM', 'ENOSYS', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP']);

/** A lock file this thread holds. @internal */
export type HeldLockFile = {
  readonly lockFile: string;
  /** Removes the lock file, if it is still this taking's. Never throws. */
  release(): Promise<void>;
};

/**
 * What `takeLockFile` found: the lock taken; held by someone else (`holder` undefined when
 * the file holds no lock record); or a lock path that is no regular file. @internal
 */
export type TakeLockFileResult =
  | { status: 'taken'; lock: HeldLockFile }
  | { status: 'held'; holder: LockFileRecord | undefined; sameProcess: boolean }
  | { status: 'not-a-file' };

/**
 * Tries once to take `lockFile`: created with `O_EXCL`, holding the pid, host name, start time
 * and thread of its taker. A lock whose holder is certainly gone is taken over: a process of this
 * host that is not running, an earlier process that had this pid (a container restarted), a file
 * with no record older than `UNREADABLE_LOCK_GRACE_MS`. Another thread of this process, a running
 * process and another host's lock (it cannot be checked from here) are holders. Reads no more
 * than a KiB of the file and never opens a FIFO for blocking. Until released, the lock is removed
 * by the thread's exit. The first taking in a folder (per thread), and the first after a takeover,
 * removes the claims (`<lock>.<id>.stale`) that takers which died mid-takeover left in it.
 *
 * @param mode - the lock file's permissions when created.
 * @internal
 */
export async function takeLockFile(
  lockFile: string,
  {
    mode,
    calls = fs(),
    now = () => performance.now(),
  }: {
    mode?: number | undefined;
    /** Test-only: the file calls, wrapped to put other writers between them. */
    calls?: LockFileCalls | undefined;
    /** Test-only: the clock a takeover measures its own pauses with. */
    now?: (() => number) | undefined;
  } = {},
): Promise<TakeLockFileResult> {
  const table = lockTable();
  const own: LockFileRecord = {
    pid: process.pid,
    hostname: (require('node:os') as typeof Os).hostname(),
    startedAt: Math.round(performance.timeOrigin),
    threadId: (require('node:worker_threads') as typeof WorkerThreads).threadId,
    ...processStart(table),
    token: crypto.randomUUID(),
  };
  const text = `${JSON.stringify(own)}\n`;
  await sweepClaims({ calls, lockFile, table, own });
  // A few rounds: a stale lock removed, or a holder that released meanwhile, ends a round.
  for (let round = 0; round < 5; round++) {
    if (await create(calls, lockFile, text, mode)) {
      table.held.set(lockFile, own.token);
      installExitHook(table);
      const release = async (): Promise<void> => {
        if (table.held.get(lockFile) === own.token) table.held.delete(lockFile);
        await removeIfOwn(calls, lockFile, own.token);
      };
      return { status: 'taken', lock: { lockFile, release } };
    }
    const head = await readLockHead(calls, lockFile);
    if (head === 'missing') continue;
    if (!head.regular) return { status: 'not-a-file' };
    const holder = parseRecord(head.raw);
    if (isStale(holder, head.ageMs, own)) {
      await removeStale({ calls, lockFile, judged: head, now, mode, own, text, table });
      // A takeover means a taker died here: the next taking looks for claims it left.
      table.swept.delete(path().dirname(lockFile));
      continue;
    }
    const sameProcess =
      holder !== undefined && holder.pid === own.pid && holder.hostname === own.hostname;
    return { status: 'held', holder, sameProcess };
  }
  // Taken and let go under its hands every round: held by writers it cannot name.
  return { status: 'held', holder: undefined, sameProcess: false };
}

/**
 * The locks this thread holds, lock file to token: one table per thread (on `globalThis`, so two
 * copies of gemloop in one thread share it), for the exit hook that removes them; with the
 * process's start, read once.
 */
type LockTable = {
  held: Map<string, string>;
  exitHook: boolean;
  /** The folders whose left claims were looked for (`sweepClaims`). */
  swept: Set<string>;
  /** The process's start, read at the first lock (`processStart`). */
  process?: { process?: string } | undefined;
};
// why (brand): a registered symbol on `globalThis`, so every copy of gemloop in the thread finds
// the one lock table (the locks are the thread's).
const tableKey = Symbol.for('gemloop.file-locks');
function lockTable(): LockTable {
  const global = globalThis as { [tableKey]?: LockTable };
  global[tableKey] ??= { held: new Map(), exitHook: false, swept: new Set() };
  // A table made by an older copy of gemloop in this thread has no `swept`.
  global[tableKey].swept ??= new Set();
  return global[tableKey];
}

/** Creates the lock file with `O_EXCL` and writes its record; `false` when it exists. */
async function create(
  calls: LockFileCalls,
  lockFile: string,
  text: string,
  mode: number | undefined,
): Promise<boolean> {
  let handle: FsPromises.FileHandle;
  try {
    handle = await calls.open(lockFile, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close();
    await calls.unlink(lockFile).catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

type LockHead = {
  raw: string;
  ageMs: number;
  regular: boolean;
  /** The file's inode and modification time in ns: tells this file from a later one of the name. */
  id: string;
  /** Since the inode last changed (a link to it counts). */
  changedMsAgo: number;
};

/**
 * The first KiB of a lock file (a record is ~150 bytes: a planted large file is read no further)
 * and its age, or `'missing'`. Opened with `O_NONBLOCK`, so a FIFO planted under the name opens at
 * once and is reported (`regular: false`) rather than blocking a pool thread until a writer comes.
 * An empty file is read again after 50 ms: its creator may not have written it yet.
 */
async function readLockHead(calls: LockFileCalls, path: string): Promise<LockHead | 'missing'> {
  const head = await readHead(calls, path);
  if (head === 'missing' || head.raw !== '' || !head.regular) return head;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return readHead(calls, path);
}

async function readHead(calls: LockFileCalls, path: string): Promise<LockHead | 'missing'> {
  const { constants } = fsSync();
  let handle: FsPromises.FileHandle;
  try {
    handle = await calls.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    const id = `${stat.ino}-${stat.mtimeNs}`;
    if (!stat.isFile()) return { raw: '', ageMs: 0, regular: false, id, changedMsAgo: 0 };
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024), 0, 1024, 0);
    const raw = buffer.subarray(0, bytesRead).toString('utf8');
    const now = Date.now();
    const ageMs = now - Number(stat.mtimeMs);
    return { raw, ageMs, regular: true, id, changedMsAgo: now - Number(stat.ctimeMs) };
  } finally {
    await handle.close();
  }
}

function parseRecord(raw: string): LockFileRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockFileRecord> | null;
    if (
      typeof value === 'object' &&
      value !== null &&
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      typeof value.hostname === 'string' &&
      typeof value.startedAt === 'number' &&
      Number.isInteger(value.threadId) &&
      typeof value.token === 'string'
    ) {
      return value as LockFileRecord;
    }
  } catch {
    // Not a lock record.
  }
  return undefined;
}

/**
 * Whether a lock's holder is certainly gone (see `takeLockFile`). Within this process the
 * thread decides first: a worker thread's start time may be its own (the HR-Time spec's time
 * origin of a worker; Node 20 gives the process's), so a start time that differs says "an earlier
 * process" only for a lock of this very thread id; another thread's lock is a live holder's.
 */
function isStale(holder: LockFileRecord | undefined, ageMs: number, own: LockFileRecord): boolean {
  if (holder === undefined) return ageMs > UNREADABLE_LOCK_GRACE_MS;
  if (holder.hostname !== own.hostname) return false;
  if (holder.pid === own.pid) {
    // Both known: another start is an earlier process, whichever thread took the lock.
    if (typeof holder.process === 'string' && own.process !== undefined) {
      if (holder.process !== own.process) return true;
    }
    if (holder.threadId !== own.threadId) return false;
    // Compared loosely: a rounded time origin. The same start is a live store of this thread:
    // whether one holds it is not asked of the thread's table, which a release empties before
    // its unlink, so a lock read just before would be taken for a leftover and moved aside while
    // another writer's fresh one took the name (two processes' changes were lost that way).
    return Math.abs(holder.startedAt - own.startedAt) > 1000;
  }
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** This process's `process` field, read once per thread; `{}` where the system does not tell it. */
function processStart(table: LockTable): { process?: string } {
  if (table.process !== undefined) return table.process;
  table.process = {};
  try {
    const { readFileSync } = fsSync();
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The fields after the command (which may hold spaces and parentheses); starttime is the 22nd.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    if (start !== undefined && /^\d+$/.test(start) && boot !== '') {
      table.process = { process: `${boot.slice(0, 64)}:${start}` };
    }
  } catch {
    // Not Linux (or no procfs): the thread and start time decide alone.
  }
  return table.process;
}

/** What a takeover of one judged lock works with. */
type Takeover = {
  calls: LockFileCalls;
  lockFile: string;
  judged: LockHead;
  now: () => number;
  mode: number | undefined;
  /** The taker's record, and its text: a claim holds it, as a lock does. */
  own: LockFileRecord;
  text: string;
  table: LockTable;
};

/**
 * How many dead claimers' claims of one lock a takeover steps past: a hang guard (at 8, eight
 * claimers killed in a row left the lock unreachable for good, each claim kept while it is judged).
 */
const MAX_CLAIM_HOPS = 1_000;

/**
 * Whether a claim is a dead claimer's: judged as a lock is (`isStale`), by the record its claimer
 * wrote in it. Never by its age alone while it holds a record: a claimer paused past any grace
 * (a stopped process, a suspended machine) is still at work, and a taker that stepped past its
 * claim would move a lock taken since (two holders). A claim with no record (its claimer died
 * between creating and writing it, or an older gemloop's empty claim) by its age.
 */
function isDeadClaim(found: LockHead, own: LockFileRecord): boolean {
  return isStale(parseRecord(found.raw), found.changedMsAgo, own);
}

/**
 * Removes a stale lock, never a fresh one that took the name since it was judged. The taker
 * claims the judged lock: a file created with `O_EXCL` under a name made of the judged file's
 * inode and modification time, holding the taker's record, so one taker of that lock goes on.
 * A claim is a dead claimer's only when its claimer is gone (`isDeadClaim`): a live claimer
 * however long paused is never stepped past, so nobody but it moves the judged lock, and what it
 * moves is that lock. A dead claim is never removed by name while the lock may still be the
 * judged one (two takers that met one such claim removed each other's fresh claim by its name,
 * and both took the lock over); the takers step to the next claim instead, named after the dead
 * one, which again one of them alone creates. The claimer moves the lock to a name of its own
 * (`moveAside`), then removes every claim it stepped past: the lock is no longer the judged one.
 * Needs no hard links (FAT/exFAT, some network mounts) but to put a lock back, where `O_EXCL`
 * creation stands in.
 */
async function removeStale(takeover: Takeover): Promise<void> {
  const { calls, lockFile, judged, own, text, table } = takeover;
  const claims: string[] = [];
  let claim = `${lockFile}.${judged.id}.stale`;
  for (let hop = 0; ; hop++) {
    if (hop === MAX_CLAIM_HOPS) return;
    claims.push(claim);
    if (await create(calls, claim, text, undefined)) break;
    const found = await readHead(calls, claim).catch(() => 'missing' as const);
    if (found === 'missing') return; // Swept: the lock is no longer the judged one.
    // Claimed by a live taker: it takes the lock over.
    if (!found.regular || !isDeadClaim(found, own)) return;
    claim = `${lockFile}.${judged.id}.g${found.id}.stale`;
  }
  // The exit hook removes the claim if this thread exits mid-takeover (`process.exit` in a worker;
  // not `worker.terminate()`, which runs no hook): its record, this process's, is a live
  // claimer's to every taker until the process ends.
  table.held.set(claim, own.token);
  installExitHook(table);
  try {
    const current = await readHead(calls, lockFile).catch(() => 'missing' as const);
    if (current !== 'missing' && current.id === judged.id && current.raw === judged.raw) {
      await moveAside(takeover);
    }
  } catch (error) {
    // The lock may still be the judged one: only this taker's own claim goes, the dead ones stay.
    await calls.unlink(claim).catch(() => {});
    throw error;
  } finally {
    table.held.delete(claim);
  }
  // The lock is no longer the judged one, for good: the claims of it are litter.
  for (const name of claims) await calls.unlink(name).catch(() => {});
}

/**
 * Moves the lock under a name of this taker's own and reads what it moved: the judged lock, as
 * only its live claimer moves it. Should the judgement have been wrong (a record-less lock whose
 * creator was paused past the grace), a lock that is not the judged one is put back within
 * {@link CLAIM_TRUST_MS} (a hard link, or `O_EXCL` creation with its record).
 */
async function moveAside({ calls, lockFile, judged, now, mode }: Takeover): Promise<void> {
  const aside = `${lockFile}.${judged.id}.${crypto.randomUUID()}.stale`;
  try {
    await calls.rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const movedAt = now();
  const moved = await readHead(calls, aside).catch(() => 'missing' as const);
  // A record's token tells one taking from every other, where an inode number may not survive a
  // rename (FAT's are made up from the directory entry).
  const same =
    moved === 'missing' ||
    (moved.raw === judged.raw && (moved.id === judged.id || parseRecord(moved.raw) !== undefined));
  if (!same && moved.regular && now() - movedAt < CLAIM_TRUST_MS) {
    try {
      await calls.link(aside, lockFile);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined && NO_HARD_LINK.has(code))
        await create(calls, lockFile, moved.raw, mode).catch(() => false);
    }
  }
  await calls.unlink(aside).catch(() => {});
}

/**
 * Removes, once per folder and thread (again after a takeover there), the claims that takers left
 * when they died mid-takeover: `<name><lock's extension>.<inode>-<time>[.<id>].stale`, dead
 * claimers' (`isDeadClaim`), of a lock that is no longer the one they claimed (removed, or another
 * file since). A claim of the lock as it still is stays: removed by name, a taker could make it
 * again while another holds the next claim past it (see `removeStale`); the taker that gets past
 * them removes them. Best effort: a folder that cannot be listed is left as it is.
 */
async function sweepClaims({
  calls,
  lockFile,
  table,
  own,
}: {
  calls: LockFileCalls;
  lockFile: string;
  table: LockTable;
  own: LockFileRecord;
}): Promise<void> {
  const { basename, dirname, extname, join } = path();
  const folder = dirname(lockFile);
  if (table.swept.has(folder)) return;
  table.swept.add(folder);
  let names: string[];
  try {
    names = await calls.readdir(folder);
  } catch {
    return;
  }
  const base = basename(lockFile);
  // The lock's extension (`.lock`): other locks' claims in the folder are swept too.
  const extension = extname(base) || undefined;
  for (const name of names) {
    const [, lock, id] = /^(.+)\.(\d+-\d+)(?:\.[\w-]+)?\.stale$/.exec(name) ?? [];
    if (lock === undefined) continue;
    if (extension === undefined ? lock !== base : !lock.endsWith(extension)) continue;
    const claim = join(folder, name);
    const found = await readHead(calls, claim).catch(() => 'missing' as const);
    if (found === 'missing' || !found.regular || !isDeadClaim(found, own)) continue;
    const claimed = await readHead(calls, join(folder, lock)).catch(() => 'missing' as const);
    if (claimed !== 'missing' && claimed.id === id) continue;
    await calls.unlink(claim).catch(() => {});
  }
}

async function removeIfOwn(calls: LockFileCalls, lockFile: string, token: string): Promise<void> {
  const head = await readHead(calls, lockFile).catch(() => 'missing' as const);
  // Gone already, or unreadable: a lock left behind is taken over once this process is gone.
  if (head === 'missing' || parseRecord(head.raw)?.token !== token) return;
  await calls.unlink(lockFile).catch(() => {});
}

/** Removes this thread's locks when the process (or worker thread) exits normally. */
function installExitHook(table: LockTable): void {
  if (table.exitHook) return;
  table.exitHook = true;
  process.once('exit', () => {
    const { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } = fsSync();
    for (const [lockFile, token] of table.held) {
      try {
        // Bounded and non-blocking, as readHead: the path may hold anything by now.
        const descriptor = openSync(lockFile, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
        let raw = '';
        try {
          if (fstatSync(descriptor).isFile()) {
            const buffer = Buffer.alloc(1024);
            raw = buffer.subarray(0, readSync(descriptor, buffer, 0, 1024, 0)).toString('utf8');
          }
        } finally {
          closeSync(descriptor);
        }
        if (parseRecord(raw)?.token === token) unlinkSync(lockFile);
      } catch {
        // Best effort: a lock left behind is stale once this process is gone.
      }
    }
    table.held.clear();
  });
}
