import { GemloopError } from '@gemloop/core';

/** Why a file tool refused or failed. */
export type FileToolErrorReason =
  /** The path is empty, too long, absolute, or contains a NUL byte. */
  | 'invalid-path'
  /** The path, or a symbolic link on the way, leads outside the root folder. */
  | 'outside-root'
  /** Nothing exists at the path. */
  | 'not-found'
  /**
   * The path is a directory where a file was expected, or the other way round; a file path that
   * ends with a slash (or a `.` or `..` part) names a directory.
   */
  | 'wrong-type'
  /** The file holds binary data (NUL bytes or invalid UTF-8). */
  | 'binary'
  /** The content is larger than the write limit. */
  | 'too-large'
  /** The file exists and the write did not ask to overwrite (or overwriting is disabled). */
  | 'exists'
  /** The target is a symbolic link, which writes never follow, or the path runs through a loop of links. */
  | 'symlink'
  /**
   * The file has more than one name (a hard link): another of its names may lie outside the
   * root folder, so it is not read. Writes replace the name in the root, never the file behind it.
   */
  | 'hard-link'
  /**
   * The write would land in a folder the tools never write to: `.git` (its config and hooks run
   * commands), `.husky` (husky's git hooks), the folder the repository's git config names as
   * `core.hooksPath`, a config file it includes, or one of the `skipDirectories` (e.g.
   * `node_modules`); or the git config is too large to tell where hooks run from. Also a folder
   * that looks like a git repository to git (a `HEAD` naming a ref or an object, beside
   * `objects/` and `refs/` or a `commondir`), and a write that would make a folder look like one.
   */
  | 'protected-folder'
  /** The file system refused (permissions, disk full, ...). */
  | 'io';

/**
 * A file tool refused a path or failed. The message names the path (relative to the root, never
 * the absolute location on disk) and what to do instead.
 */
export class FileToolError extends GemloopError {
  override readonly code = 'file-tool';
  readonly reason: FileToolErrorReason;
  /** The path as the model gave it. */
  readonly path: string;

  constructor({
    reason,
    path,
    message,
    cause,
  }: {
    reason: FileToolErrorReason;
    path: string;
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.path = path;
  }

  static override isInstance(error: unknown): error is FileToolError {
    return GemloopError.hasCode(error, 'file-tool');
  }
}
