import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { looksBinary } from '../internal/looks-binary.ts';
import { FileToolError } from './file-tool-error.ts';

/** A piece of a text file. @internal */
export type TextChunk = {
  /** The file's size in bytes. */
  size: number;
  /** Where the content starts (moved forward to a character boundary if needed). */
  offset: number;
  content: string;
  /** Where the next piece starts; absent at the end of the file. */
  nextOffset?: number | undefined;
};

// O_NOFOLLOW: never read through a link swapped in after the path was checked. O_NONBLOCK: a
// named pipe in the root must not block the open forever (no effect on regular files). Both are
// 0 where the platform lacks them (Windows).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads up to `maxBytes` of a UTF-8 text file from `offset`, cut on character boundaries so the
 * model never sees half a character and `nextOffset` continues exactly. Binary files (judged by
 * their first KB) are refused.
 *
 * @throws {@link FileToolError} `wrong-type`, `binary`, `not-found` or `io`.
 * @internal
 */
export async function readTextChunk({
  absolute,
  relative,
  offset,
  maxBytes,
}: {
  absolute: string;
  relative: string;
  offset: number;
  maxBytes: number;
}): Promise<TextChunk> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(absolute, READ_FLAGS);
  } catch (error) {
    throw ioError(error, relative);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw new FileToolError({
        reason: 'wrong-type',
        path: relative,
        message: `"${relative}" is a directory. Use list_files to see its contents.`,
      });
    }
    if (!stats.isFile()) {
      throw new FileToolError({
        reason: 'wrong-type',
        path: relative,
        message: `"${relative}" is not a regular file (a device, pipe or socket) and cannot be read.`,
      });
    }
    const size = stats.size;
    const head = Buffer.alloc(Math.min(1024, size));
    await handle.read(head, 0, head.length, 0);
    if (looksBinary(head)) {
      throw new FileToolError({
        reason: 'binary',
        path: relative,
        message: `"${relative}" is a binary file (${size} bytes); it cannot be shown as text.`,
      });
    }
    if (offset >= size) return { size, offset: size, content: '' };
    // Up to 3 bytes more than asked, to finish a character that straddles the limit.
    const buffer = Buffer.alloc(Math.min(maxBytes + 3, size - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const bytes = buffer.subarray(0, bytesRead);
    const start = skipContinuationBytes(bytes);
    let end = Math.min(bytes.length, start + maxBytes);
    if (offset + end < size) end = characterBoundaryAtOrBefore(bytes, end, start);
    const chunk: TextChunk = {
      size,
      offset: offset + start,
      content: bytes.subarray(start, end).toString('utf8'),
    };
    if (offset + end < size) chunk.nextOffset = offset + end;
    return chunk;
  } catch (error) {
    if (FileToolError.isInstance(error)) throw error;
    throw ioError(error, relative);
  } finally {
    await handle.close();
  }
}

/** An offset inside a multi-byte character starts reading at the next character. */
function skipContinuationBytes(bytes: Buffer): number {
  let index = 0;
  while (index < 3 && index < bytes.length && ((bytes[index] as number) & 0xc0) === 0x80) index++;
  return index;
}

/** The largest boundary at or before `end` where no character is cut. */
function characterBoundaryAtOrBefore(bytes: Buffer, end: number, start: number): number {
  // Walk back over continuation bytes to the lead byte of the character at `end`.
  let boundary = end;
  while (boundary > start && boundary > end - 4 && ((bytes[boundary] as number) & 0xc0) === 0x80) {
    boundary--;
  }
  return boundary > start ? boundary : end;
}

/** Maps a file system error to a message about the model's path, never the disk location. */
export function ioError(error: unknown, relative: string): FileToolError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FileToolError({
      reason: 'not-found',
      path: relative,
      message: `"${relative}" does not exist. Use list_files or find_files to see what is there.`,
      cause: error,
    });
  }
  if (code === 'ELOOP') {
    return new FileToolError({
      reason: 'symlink',
      path: relative,
      message: `"${relative}" is a symbolic link where a file or folder was expected (or a loop of links); links are not followed here.`,
      cause: error,
    });
  }
  if (code === 'ENAMETOOLONG') {
    return new FileToolError({
      reason: 'invalid-path',
      path: relative,
      message: `"${relative}" has a name longer than the file system allows (usually 255 bytes per name). Use a shorter name.`,
      cause: error,
    });
  }
  if (code === 'EISDIR') {
    return new FileToolError({
      reason: 'wrong-type',
      path: relative,
      message: `"${relative}" is a directory. Use list_files to see its contents.`,
      cause: error,
    });
  }
  return new FileToolError({
    reason: 'io',
    path: relative,
    message: `"${relative}" could not be accessed (${typeof code === 'string' ? code : 'file system error'}).`,
    cause: error,
  });
}
