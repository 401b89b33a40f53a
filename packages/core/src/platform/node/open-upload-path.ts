import type { Stats } from 'node:fs';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeName } from '../../shared/describe-name.ts';

/** An open file: its size, and reads at a position. @internal */
export type UploadPathHandle = {
  /** Undefined for a file whose stat says 0 but whose read gives bytes (a /proc file): read to its end. */
  size: number | undefined;
  /** Reads into `into` from `position`; resolves with the bytes read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
};

/**
 * Opens a file path for a Files API upload: its size, and reads at a position, so the upload holds
 * one chunk at a time, never the whole file. Regular files only (a symlink to one is followed):
 * a FIFO, device, directory or socket is refused by kind before any request (files40).
 * @param method - The method the caller called, named in refusals (`files.upload`,
 * `fileSearchStores.upload`).
 * @throws {@link InvalidArgumentError} (`argument: 'source'`) for a path that is no regular file
 * or cannot be opened (missing, no permission, through a file, too long, a symlink loop).
 * @internal
 */
export async function openUploadPath(
  path: string,
  method = 'files.upload',
): Promise<UploadPathHandle> {
  const { constants } = await import('node:fs');
  const { open, stat } = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // Checked before opening: a FIFO's open(2) waits for a writer on a libuv thread no signal
    // reaches, and a socket's fails with a bare ENXIO.
    refuseUnlessFile(await stat(path), path, method);
    // O_NONBLOCK: a FIFO swapped in after the check opens at once instead of waiting for a writer
    // (open(2)), and fstat below refuses it; on a regular file it changes nothing. 0 where the
    // platform has none (Windows, which has no FIFOs at a path).
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw toUploadPathError(error, path, method);
  }
  try {
    const stats = await handle.stat();
    refuseUnlessFile(stats, path, method);
    // Reads stop at this size (read-upload-source's fromPath): a file that grows while it is
    // sent is bounded by what it held when opened. A file of size 0 whose first byte reads is
    // generated on read (/proc, /sys: proc(5)): it has no size, so it is read to its end, as a
    // stream without options.size is, bounded by the Files API's 2 GB (upload-file's
    // MAX_UPLOAD_BYTES). Refusing it would lose a file `cat` reads; an empty file still reads
    // nothing and is sent as 0 bytes.
    const size =
      stats.size === 0 && (await handle.read(new Uint8Array(1), 0, 1, 0)).bytesRead > 0
        ? undefined
        : stats.size;
    return {
      size,
      read: async (into, position) =>
        (await handle.read(into, 0, into.byteLength, position)).bytesRead,
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** What each system error says of the path, and what to do. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT:
    'no such file or directory; check the path (a relative one is resolved from process.cwd())',
  ENOTDIR: 'a part of the path is a file, not a directory; check the path',
  EACCES: 'no permission to read it; grant read permission, or pass its bytes',
  EPERM: 'no permission to read it; grant read permission, or pass its bytes',
  ENAMETOOLONG: 'the path or one of its names is too long for the file system; shorten it',
  ELOOP: 'it goes through a loop of symbolic links; point the path at the file itself',
  // Node's own refusal of the path argument (the only one stat takes from the caller).
  ERR_INVALID_ARG_VALUE: 'the path holds a NUL byte, which no file name can; check the path',
};

/**
 * A system error about the path (Node's raw ENOENT, EACCES, ENOTDIR, ENAMETOOLONG, ELOOP, or a NUL
 * byte) as a typed refusal naming the path as the caller gave it and what to do, the error kept as
 * `cause`; any other error (EIO, EMFILE: not the caller's path) as it is.
 * @internal
 */
export function toUploadPathError(error: unknown, path: string, method: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const advice = typeof code === 'string' ? PATH_ERRORS[code] : undefined;
  if (advice === undefined) return error;
  return new InvalidArgumentError({
    argument: 'source',
    message: `${method}: cannot open ${describeName(path)} (${code}): ${advice}.`,
    cause: error,
  });
}

function refuseUnlessFile(stats: Stats, path: string, method: string): void {
  if (stats.isFile()) return;
  throw new InvalidArgumentError({
    argument: 'source',
    message: `${method} reads a regular file from a path; ${describeName(path)} is ${kindOf(stats)}, which may never end or never answer. Pass a regular file, or its bytes as a ReadableStream with options.size.`,
  });
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSocket()) return 'a socket';
  return 'no regular file';
}
