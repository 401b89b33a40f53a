import { constants } from 'node:fs';
import { quoteText } from '@gemloop/core/internal';
import { looksBinary } from '../internal/looks-binary.ts';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolNames } from './file-tools-settings.ts';
import { ioError } from './io-error.ts';
import { openFileInRoot } from './open-in-root.ts';

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

/** The flags files are opened with for reading. @internal */
// O_NOFOLLOW: never read through a link swapped in after the path was checked. O_NONBLOCK: a
// named pipe in the root must not block the open forever (no effect on regular files). Both are
// 0 where the platform lacks them (Windows).
export const READ_FLAGS: number =
  constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads up to `maxBytes` of a UTF-8 text file from `offset`, cut on character boundaries so the
 * model never sees half a character and `nextOffset` continues exactly. Binary files (judged by
 * their first KB) are refused. The file is opened by {@link openFileInRoot}, which proves it lies
 * inside the root before a byte is read.
 *
 * @throws {@link FileToolError} `wrong-type`, `binary`, `hard-link`, `not-found`, `outside-root` or `io`.
 * @internal
 */
export async function readTextChunk({
  rootReal,
  absolute,
  relative,
  offset,
  maxBytes,
  fdPaths,
  names,
  allowHardLinks,
}: {
  rootReal: string;
  absolute: string;
  relative: string;
  offset: number;
  maxBytes: number;
  fdPaths: boolean;
  /** The tools as the model sees them, for messages that point at another tool. */
  names: FileToolNames;
  /** `createFileTools`' `allowHardLinks`: read a file with more than one name. */
  allowHardLinks: boolean;
}): Promise<TextChunk> {
  const handle = await openFileInRoot({
    rootReal,
    absolute,
    relative,
    flags: READ_FLAGS,
    fdPaths,
    names,
  });
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw new FileToolError({
        reason: 'wrong-type',
        path: relative,
        message: `${quoteText(relative)} is a directory. Use ${names.list} to see its contents.`,
      });
    }
    if (!stats.isFile()) {
      throw new FileToolError({
        reason: 'wrong-type',
        path: relative,
        message: `${quoteText(relative)} is not a regular file (a device, pipe or socket) and cannot be read.`,
      });
    }
    // A hard link is the file itself under a second name, wherever the other names are: one in
    // the root may be a file outside it (a secret linked in by anyone who could write both), and
    // neither the real path nor /proc/self/fd tells which name is the original. So a file with
    // more than one name is refused, checked on the handle that would be read (no race).
    if (stats.nlink > 1 && !allowHardLinks) throw hardLinked(relative);
    const size = stats.size;
    const head = Buffer.alloc(Math.min(1024, size));
    await handle.read(head, 0, head.length, 0);
    if (looksBinary(head)) {
      throw new FileToolError({
        reason: 'binary',
        path: relative,
        message: `${quoteText(relative)} is a binary file (${size} bytes); it cannot be shown as text.`,
      });
    }
    if (offset >= size) return { size, offset: size, content: '' };
    // Up to 3 bytes skipped at the start (an offset inside a character), then the page, then up to
    // 3 bytes more: the byte after the page's end must be in the buffer to tell whether the end
    // cuts a character, and to finish one that straddles it. With 3 extra in all, a start moved
    // forward left the end's next byte unread, and the page ended inside a character (attack59b).
    const buffer = Buffer.alloc(Math.min(maxBytes + 6, size - offset));
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
    throw ioError(error, relative, names);
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

/**
 * The largest boundary at or before `end` where no character is cut, or, when the first character
 * alone is longer than the page (`maxBytes: 1` on "😀"), the end of that character: half of it
 * would show as U+FFFD, and the next page would skip the rest, so the character would be lost.
 */
function characterBoundaryAtOrBefore(bytes: Buffer, end: number, start: number): number {
  // Walk back over continuation bytes to the lead byte of the character at `end`.
  let boundary = end;
  while (boundary > start && boundary > end - 4 && ((bytes[boundary] as number) & 0xc0) === 0x80) {
    boundary--;
  }
  if (boundary > start) return boundary;
  // The 3 spare bytes read past the limit hold the rest of the character.
  let after = end;
  while (after < bytes.length && after < start + 4 && ((bytes[after] as number) & 0xc0) === 0x80) {
    after++;
  }
  return after;
}

/**
 * The refusal of a regular file with more than one name (a hard link), which may be a file
 * outside the root under a name inside it.
 * @internal
 */
export function hardLinked(relative: string): FileToolError {
  return new FileToolError({
    reason: 'hard-link',
    path: relative,
    message: `${quoteText(relative)} has other names (it is a hard link), which may lie outside the root folder, so it is not read. Ask the user for a copy of it inside the root.`,
  });
}
