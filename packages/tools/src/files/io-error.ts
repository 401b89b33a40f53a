import { quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolNames } from './file-tools-settings.ts';

/**
 * Maps a file system error to a message about the model's path, never the disk location (the
 * error's own message names the absolute path; it stays on `cause`, for the application).
 *
 * @param names the tools as the model sees them (with their prefix), for the messages that point
 * the model at another tool: a bare "list_files" would name a tool it does not have.
 * @internal
 */
export function ioError(error: unknown, relative: string, names: FileToolNames): FileToolError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOTDIR') {
    // "README.md/notes.txt": nothing is missing, a file is in the way; "does not exist" would
    // send the model looking for a file it is trying to create.
    return new FileToolError({
      reason: 'wrong-type',
      path: relative,
      message: `${quoteText(relative)} cannot be reached: a part of its path is a file, not a folder. List "." to see what is there.`,
      cause: error,
    });
  }
  if (code === 'ENOENT') {
    return new FileToolError({
      reason: 'not-found',
      path: relative,
      message: `${quoteText(relative)} does not exist. Use ${names.list} or ${names.find} to see what is there.`,
      cause: error,
    });
  }
  if (code === 'ELOOP') {
    return new FileToolError({
      reason: 'symlink',
      path: relative,
      message: `${quoteText(relative)} is a symbolic link where a file or folder was expected (or a loop of links); links are not followed here.`,
      cause: error,
    });
  }
  if (code === 'ENAMETOOLONG') {
    return new FileToolError({
      reason: 'invalid-path',
      path: relative,
      message: `${quoteText(relative)} has a name longer than the file system allows (usually 255 bytes per name). Use a shorter name.`,
      cause: error,
    });
  }
  if (code === 'EISDIR') {
    return new FileToolError({
      reason: 'wrong-type',
      path: relative,
      message: `${quoteText(relative)} is a directory. Use ${names.list} to see its contents.`,
      cause: error,
    });
  }
  return new FileToolError({
    reason: 'io',
    path: relative,
    message: `${quoteText(relative)} could not be accessed (${typeof code === 'string' ? code : 'file system error'}).`,
    cause: error,
  });
}
