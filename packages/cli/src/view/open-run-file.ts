import { constants } from 'node:fs';
import { type FileHandle, lstat, open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A run file opened for reading: a regular file inside the runs folder. */
export type OpenRunFile = {
  handle: FileHandle;
  size: number;
  /** `dev:ino:size:mtimeMs`: changes whenever the file's content may have. */
  key: string;
  /** When the file was last written (or touched by its recorder's heartbeat). */
  mtimeMs: number;
};

/** Why a file named like a run cannot be read; shown in its row of the list. */
export type RunFileProblem = { problem: string };

// O_NOFOLLOW: a symlink swapped in after the checks below fails the open (ELOOP) instead of
// being followed. O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a
// writer (open(2)); fstat then refuses it before anything is read. Both are 0 where the platform
// has none (Windows), which has neither FIFOs nor symlinks a user can make by default.
export const OPEN_FLAGS: number =
  constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens `name` of `dir` for reading if it is a regular file inside the folder: a symlink is
 * followed only when it resolves inside `dir`; a FIFO, device or socket is refused without
 * blocking. Returns what was wrong otherwise (`undefined` when the file is gone).
 */
export async function openRunFile(
  dir: string,
  name: string,
  counters?: ReadCounters | undefined,
): Promise<OpenRunFile | RunFileProblem | undefined> {
  const path = join(dir, name);
  let target = path;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink()) {
      const [real, realDir] = await Promise.all([realpath(path), realpath(dir)]);
      if (!real.startsWith(realDir + sep))
        return { problem: 'a symlink to a file outside the runs folder (not followed)' };
      target = real;
    } else if (!link.isFile()) return { problem: 'not a regular file (not read)' };
  } catch (error) {
    if (isGone(error)) return undefined;
    return { problem: `cannot be read (${errorCode(error)})` };
  }
  let handle: FileHandle;
  try {
    handle = await open(target, OPEN_FLAGS);
    if (counters !== undefined) counters.filesOpened++;
  } catch (error) {
    if (isGone(error)) return undefined;
    return { problem: `cannot be read (${errorCode(error)})` };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      return { problem: 'not a regular file (not read)' };
    }
    return {
      handle,
      size: stats.size,
      key: `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`,
      mtimeMs: stats.mtimeMs,
    };
  } catch (error) {
    await handle.close();
    return { problem: `cannot be read (${errorCode(error)})` };
  }
}

/**
 * Reads up to `length` bytes at `position` (fewer at the end of the file), counting them in
 * `counters`.
 */
export async function readRunBytes(
  file: OpenRunFile,
  position: number,
  length: number,
  counters: ReadCounters | undefined,
): Promise<Buffer> {
  const bytes = await readHandleBytes(file.handle, position, length);
  if (counters !== undefined) counters.bytesRead += bytes.length;
  return bytes;
}

/** Reads up to `length` bytes of an open file at `position` (fewer at its end). */
export async function readHandleBytes(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(0, length));
  let read = 0;
  while (read < buffer.length) {
    const { bytesRead } = await handle.read(buffer, read, buffer.length - read, position + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return buffer.subarray(0, read);
}

/** What the viewer read from disk: for tests and diagnostics. */
export type ReadCounters = { bytesRead: number; filesOpened: number };

/** Whether `value` is a {@link RunFileProblem} rather than an open file. */
export function isRunFileProblem(value: OpenRunFile | RunFileProblem): value is RunFileProblem {
  return 'problem' in value;
}

function isGone(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A Node error's `code` (`EIO`, `EACCES`), `'error'` for anything else: never its message. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * Where a file's first line starts: after the UTF-8 byte-order mark an editor may save it with
 * (RFC 8259 section 8.1 lets a parser ignore one; the recorder never writes it). With it, the
 * run-start line read as not JSON, and the run as unreadable (attack24); a result file (eval,
 * fork) was left out of the page (attack56b).
 */
export function firstLineStart(bytes: Buffer): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}
