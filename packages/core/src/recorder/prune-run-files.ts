import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_END_LINE_START, RUN_FILE_HEADER, RUN_FILE_NAME } from './run-file.ts';

/**
 * How long a run file that has no closing line yet is taken to be still written by someone: a
 * recorder touches the files of its open runs every {@link RUN_HEARTBEAT_MS}, so only a run
 * whose process died (or stopped writing) stays untouched this long. @internal
 */
export const STALE_RUN_MS: number = 10 * 60_000;

/** How often a recorder refreshes the mtime of its open run files. @internal */
export const RUN_HEARTBEAT_MS: number = 60_000;

/** The tail read first to find a run's last line; a longer last line is looked for in the next. */
const TAIL_BYTES = 64 * 1024;
/** The most bytes read to find a run's last line; a longer one leaves the run to the stale rule. */
const MAX_TAIL_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;

/** What {@link pruneRunFiles} needs: the file system, the folder, the limit and the open runs. @internal */
export type PruneRunFilesOptions = {
  fs: typeof FsPromises;
  /** `fs.constants`' open flags (O_NOFOLLOW and O_NONBLOCK are 0 where the platform has none). */
  openFlags: number;
  dir: string;
  maxBytes: number;
  /**
   * Once the files pass `maxBytes`, the oldest finished ones are deleted until the rest fit in
   * this (at most `maxBytes`): room left, so the folder need not be walked again at the next run.
   * @defaultValue `maxBytes`
   */
  keepBytes?: number | undefined;
  /** The absolute paths of this recorder's runs still being written: never deleted. */
  open: ReadonlySet<string>;
  /** Wall-clock ms since the epoch (file mtimes are wall-clock too). */
  now: number;
  /**
   * Which names were found to be run files (by their header) at which inode, kept between
   * prunes so each file's header is read once.
   */
  owned: Map<string, { inode: string; owned: boolean }>;
  /**
   * Which files are this recorder's: their name, first bytes and closing line's start.
   * @defaultValue the run recorder's ({@link RUN_FILES})
   */
  files?: RecorderFiles | undefined;
};

/** How a recorder's files are known: name, first bytes, closing line. @internal */
export type RecorderFiles = { name: RegExp; header: Buffer; endLineStart: Buffer };

/** The run recorder's files. @internal */
export const RUN_FILES: RecorderFiles = {
  name: RUN_FILE_NAME,
  header: RUN_FILE_HEADER,
  endLineStart: RUN_END_LINE_START,
};

type Entry = { name: string; path: string; size: number; mtimeMs: number; inode: string };

/**
 * Once the recorder's run files in `dir` pass `maxBytes`, deletes the oldest finished ones until
 * the rest fit in `keepBytes`; returns the bytes of the run files left. Only files the recorder wrote count and go: a name matching {@link RUN_FILE_NAME}
 * AND a first line starting with {@link RUN_FILE_HEADER}, a regular file (never a symlink). A
 * run still being written is never deleted: one of `open`, or a file with no closing `run-end`
 * line whose mtime is younger than {@link STALE_RUN_MS} (another recorder's, in this process or
 * another one). Safe beside other pruners: a file gone meanwhile (ENOENT) is passed over, and all
 * pruners walk the same files oldest first.
 * @internal
 */
export async function pruneRunFiles(options: PruneRunFilesOptions): Promise<number> {
  const { fs, dir, maxBytes, open, now, owned } = options;
  const keepBytes = Math.min(options.keepBytes ?? maxBytes, maxBytes);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (isGone(error)) return 0;
    throw error;
  }
  const files = options.files ?? RUN_FILES;
  const runNames = names.filter((name) => files.name.test(name)).sort();
  const seen = new Set(runNames);
  for (const name of owned.keys()) if (!seen.has(name)) owned.delete(name);

  const entries: Entry[] = [];
  for (const name of runNames) {
    const path = join(dir, name);
    const stats = await fs.lstat(path).catch(ignoreGone);
    if (stats === undefined || !stats.isFile()) continue;
    const entry = {
      name,
      path,
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      inode: `${stats.dev}:${stats.ino}`,
    };
    if (await isOwned(options, entry)) entries.push(entry);
  }
  let total = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (total <= maxBytes) return total;
  const newest = entries.at(-1);
  for (const entry of entries) {
    // Room is made down to keepBytes, but never by deleting the newest run when the rest fit.
    if (total <= keepBytes || (total <= maxBytes && entry === newest)) return total;
    if (open.has(entry.path)) continue;
    if (now - entry.mtimeMs <= STALE_RUN_MS) {
      const state = await runState(options, entry);
      // Gone since it was counted (another pruner deleted it): it no longer counts, or this
      // pruner would go on to delete a newer run to make room that is already there.
      if (state === 'gone') {
        owned.delete(entry.name);
        total -= entry.size;
        continue;
      }
      if (state === 'writing') continue;
    }
    try {
      await fs.unlink(entry.path);
    } catch (error) {
      // Another pruner deleted it first: it no longer counts either way.
      if (!isGone(error)) throw error;
    }
    owned.delete(entry.name);
    total -= entry.size;
  }
  return total;
}

async function isOwned(options: PruneRunFilesOptions, entry: Entry): Promise<boolean> {
  const known = options.owned.get(entry.name);
  if (known !== undefined && known.inode === entry.inode) return known.owned;
  const expected = (options.files ?? RUN_FILES).header;
  const header = await readAt(options, entry, 0, expected.length);
  // Fewer bytes than the header: a run whose first line is not written yet, or not a run.
  // Neither is counted or deleted now; the next prune looks again.
  if (header === undefined || header.length < expected.length) return false;
  const isRun = header.equals(expected);
  options.owned.set(entry.name, { inode: entry.inode, owned: isRun });
  return isRun;
}

/**
 * Whether the file's last line is the run's closing `run-end` line (`'ended'`), not yet
 * (`'writing'`), or the file counted is no longer there (`'gone'`: deleted or replaced).
 */
async function runState(
  options: PruneRunFilesOptions,
  entry: Entry,
): Promise<'ended' | 'writing' | 'gone'> {
  const endLineStart = (options.files ?? RUN_FILES).endLineStart;
  for (const window of [TAIL_BYTES, MAX_TAIL_BYTES]) {
    const length = Math.min(window, entry.size);
    const tail = await readAt(options, entry, entry.size - length, length);
    if (tail === undefined) return 'gone';
    if (tail.length < 2 || tail[tail.length - 1] !== NEWLINE) return 'writing';
    const newline = tail.lastIndexOf(NEWLINE, tail.length - 2);
    if (newline === -1 && length < entry.size) continue;
    const start = newline + 1;
    const ended = tail.subarray(start, start + endLineStart.length).equals(endLineStart);
    return ended ? 'ended' : 'writing';
  }
  return 'writing';
}

/**
 * Reads `length` bytes at `position` of a regular file without following a symlink or blocking
 * on a FIFO, and only if it is still the inode listed; `undefined` when it is not (or cannot be
 * opened any more).
 */
async function readAt(
  { fs, openFlags }: PruneRunFilesOptions,
  entry: Entry,
  position: number,
  length: number,
): Promise<Buffer | undefined> {
  const handle = await fs.open(entry.path, openFlags).catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || `${stats.dev}:${stats.ino}` !== entry.inode) return undefined;
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}

function isGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function ignoreGone(error: unknown): undefined {
  if (isGone(error)) return undefined;
  throw error;
}
