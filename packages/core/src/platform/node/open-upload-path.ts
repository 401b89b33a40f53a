import type { Stats } from 'node:fs';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeName } from '../../shared/describe-name.ts';

/** An open file: its size, and reads at a position. @internal */
export type UploadPathHandle = {
  size: number;
  /** Reads into `into` from `position`; resolves with the bytes read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
};

/**
 * Opens a file path for a Files API upload: its size, and reads at a position, so the upload holds
 * one chunk at a time, never the whole file. Regular files only (a symlink to one is followed):
 * a FIFO, device, directory or socket is refused by kind before any request (files40).
 * @throws {@link InvalidArgumentError} (`argument: 'source'`) for a path that is no regular file.
 * @internal
 */
export async function openUploadPath(path: string): Promise<UploadPathHandle> {
  const { constants } = await import('node:fs');
  const { open, stat } = await import('node:fs/promises');
  // Checked before opening: a FIFO's open(2) waits for a writer on a libuv thread no signal
  // reaches, and a socket's fails with a bare ENXIO.
  refuseUnlessFile(await stat(path), path);
  // O_NONBLOCK: a FIFO swapped in after the check opens at once instead of waiting for a writer
  // (open(2)), and fstat below refuses it; on a regular file it changes nothing. 0 where the
  // platform has none (Windows, which has no FIFOs at a path).
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat();
    refuseUnlessFile(stats, path);
    // Reads stop at this size (read-upload-source's fromPath): a file that grows while it is
    // sent is bounded by what it held when opened.
    const { size } = stats;
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

function refuseUnlessFile(stats: Stats, path: string): void {
  if (stats.isFile()) return;
  throw new InvalidArgumentError({
    argument: 'source',
    message: `files.upload reads a regular file from a path; ${describeName(path)} is ${kindOf(stats)}, which may never end or never answer. Pass a regular file, or its bytes as a ReadableStream with options.size.`,
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
