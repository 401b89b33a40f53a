import type { Dirent } from 'node:fs';
import { closeSync, constants, openSync, readlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative as relativePath, sep } from 'node:path';
import { makeFolder, quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolNames } from './file-tools-settings.ts';
import { ioError } from './io-error.ts';
import { isInside } from './resolve-in-root.ts';

// 0 where the platform lacks them (Windows): the fallback paths below do not rely on them.
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const DIRECTORY_FLAGS = constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

/**
 * Whether `/proc/self/fd/N` shows the real path of an open file and opens through it (Linux), checked
 * once against the root: the link must read back as the root's real path, or the tools fall back
 * to the portable checks rather than refuse every path on an unusual mount setup.
 * @internal
 */
export function probeFdPaths(rootReal: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(rootReal, constants.O_RDONLY | O_DIRECTORY);
    return readlinkSync(`/proc/self/fd/${fd}`) === rootReal;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What {@link openFileInRoot} needs. @internal */
export type OpenInRootOptions = {
  rootReal: string;
  /** The checked absolute path ({@link resolveInRoot}). */
  absolute: string;
  /** The path as shown to the model. */
  relative: string;
  flags: number;
  /** From {@link probeFdPaths}. */
  fdPaths: boolean;
  /** The tools as the model sees them, for messages that point at another tool. */
  names: FileToolNames;
};

/**
 * Opens a file that {@link resolveInRoot} checked, and proves that what was opened lies inside
 * the root. Between the check and `open()`, another process can swap a parent folder for a
 * symbolic link leading out; `O_NOFOLLOW` guards the last component only. So the opened
 * descriptor is checked: on Linux through `/proc/self/fd/N`, which names the file the kernel
 * actually opened; elsewhere by re-resolving the path and comparing device and inode with the
 * descriptor's (a swap back between the two steps can still fool this fallback, narrowly).
 *
 * @throws {@link FileToolError} `outside-root` when the file opened lies outside, or as
 * {@link ioError} maps the open's failure.
 * @internal
 */
export async function openFileInRoot({
  rootReal,
  absolute,
  relative,
  flags,
  fdPaths,
  names,
}: OpenInRootOptions): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, flags);
  } catch (error) {
    throw ioError(error, relative, names);
  }
  let inside: boolean;
  try {
    inside = fdPaths
      ? isInside(rootReal, await readlink(`/proc/self/fd/${handle.fd}`))
      : await sameFileInside(rootReal, absolute, handle);
  } catch {
    inside = false;
  }
  if (!inside) {
    await handle.close();
    throw swapped(relative);
  }
  return handle;
}

async function sameFileInside(
  rootReal: string,
  absolute: string,
  handle: FileHandle,
): Promise<boolean> {
  const real = await realpath(absolute);
  if (!isInside(rootReal, real)) return false;
  const [opened, named] = await Promise.all([handle.stat(), stat(real)]);
  return opened.dev === named.dev && opened.ino === named.ino;
}

/**
 * Lists a folder inside the root, proving (as {@link openFileInRoot} does for files) that the
 * folder listed is the one inside: on Linux it is opened, checked through `/proc/self/fd/N`, and
 * listed through that descriptor; elsewhere it is listed by path and its real path checked
 * afterwards (directories cannot be opened portably, on Windows in particular).
 *
 * @throws {@link FileToolError} `outside-root` when the folder listed lies outside, or the
 * file system's error.
 * @internal
 */
export async function readDirectoryInRoot({
  rootReal,
  absolute,
  relative,
  fdPaths,
  names,
}: {
  rootReal: string;
  absolute: string;
  relative: string;
  fdPaths: boolean;
  names: FileToolNames;
}): Promise<Dirent[]> {
  if (!fdPaths) {
    const entries = await readdir(absolute, { withFileTypes: true });
    if (!isInside(rootReal, await realpath(absolute))) throw swapped(relative);
    return entries;
  }
  const handle = await openFileInRoot({
    rootReal,
    absolute,
    relative,
    flags: DIRECTORY_FLAGS,
    fdPaths,
    names,
  });
  try {
    return await readdir(`/proc/self/fd/${handle.fd}`, { withFileTypes: true });
  } finally {
    await handle.close();
  }
}

/** A folder inside the root, held open while a write works in it. @internal */
export type DirectoryInRoot = {
  /** A path that reaches `name` in this very folder, whatever happens to the path to it. */
  entry: (name: string) => string;
  /**
   * Whether a file just opened as `entry(name)` lies inside the root: always, when the folder is
   * held by descriptor; checked by device and inode otherwise.
   */
  holds: (name: string, handle: FileHandle) => Promise<boolean>;
  close: () => Promise<void>;
};

/**
 * Opens the folder `absoluteDirectory` (inside the root), creating missing folders when asked,
 * so that a write lands in it and nowhere else.
 *
 * On Linux the folders are opened one at a time from the root, each through the descriptor of
 * its parent (`/proc/self/fd/N/name`, the `openat()` Node lacks) with `O_NOFOLLOW`: a folder
 * swapped for a link at any moment makes the walk fail instead of leading out, and every later
 * step (temporary file, rename, link) goes through the held descriptor too. Elsewhere the
 * folders are created by path and the folder's real path is checked afterwards, which narrows
 * the race without closing it.
 *
 * @throws {@link FileToolError} `outside-root`, `symlink`, `not-found` or `io`.
 * @internal
 */
export async function openDirectoryInRoot({
  rootReal,
  absoluteDirectory,
  relative,
  create,
  fdPaths,
  names,
}: {
  rootReal: string;
  absoluteDirectory: string;
  /** The target's path as shown to the model, for messages. */
  relative: string;
  create: boolean;
  fdPaths: boolean;
  names: FileToolNames;
}): Promise<DirectoryInRoot> {
  const fromRoot = relativePath(rootReal, absoluteDirectory);
  const parts = fromRoot === '' ? [] : fromRoot.split(sep);
  if (!fdPaths) {
    try {
      if (create)
        await makeFolder({ dir: absoluteDirectory, mkdir: (path) => mkdir(path), dirname });
      const real = await realpath(absoluteDirectory);
      if (!isInside(rootReal, real)) throw swapped(relative);
      return {
        entry: (name) => join(real, name),
        holds: (name, handle) =>
          sameFileInside(rootReal, join(real, name), handle).catch(() => false),
        close: async () => {},
      };
    } catch (error) {
      if (FileToolError.isInstance(error)) throw error;
      throw ioError(error, relative, names);
    }
  }
  let directory: FileHandle;
  try {
    directory = await open(rootReal, constants.O_RDONLY | O_DIRECTORY);
  } catch (error) {
    throw ioError(error, relative, names);
  }
  try {
    for (const part of parts) {
      const at = `/proc/self/fd/${directory.fd}/${part}`;
      let next: FileHandle;
      try {
        next = await open(at, DIRECTORY_FLAGS);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw error;
        await mkdir(at).catch((mkdirError: NodeJS.ErrnoException) => {
          // Another writer made it meanwhile: fine, it is opened (and checked) next.
          if (mkdirError.code !== 'EEXIST') throw mkdirError;
        });
        next = await open(at, DIRECTORY_FLAGS);
      }
      await directory.close();
      directory = next;
    }
  } catch (error) {
    await directory.close();
    if ((error as { code?: unknown }).code === 'ELOOP') throw swapped(relative);
    throw ioError(error, relative, names);
  }
  const held = directory;
  return {
    entry: (name) => `/proc/self/fd/${held.fd}/${name}`,
    holds: async () => true,
    close: () => held.close(),
  };
}

/** The error of a path that changed under a tool. @internal */
export function swapped(relative: string): FileToolError {
  return new FileToolError({
    reason: 'outside-root',
    path: relative,
    message: `${quoteText(relative)} changed while it was being opened: a folder on its way became a symbolic link leading elsewhere. Nothing was read or written; try again.`,
  });
}
