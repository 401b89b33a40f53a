import { constants } from 'node:fs';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolNames } from './file-tools-settings.ts';
import { ioError } from './io-error.ts';
import type { DirectoryInRoot } from './open-in-root.ts';
import { openDirectoryInRoot, swapped } from './open-in-root.ts';

/** The options of {@link writeFileAtomic}. @internal */
export type WriteFileAtomicOptions = {
  /** The root's real path. */
  rootReal: string;
  /** Absolute target path, checked to be inside the root (its existing part resolved). */
  absolute: string;
  /** The path relative to the root, for messages. */
  relative: string;
  content: string;
  /** Replace an existing file; otherwise an existing file is an error. */
  overwrite: boolean;
  /** Create missing parent directories. */
  createDirectories: boolean;
  /** From {@link probeFdPaths}: work through the held directory's descriptor. */
  fdPaths: boolean;
  /** The tools as the model sees them, for messages that point at another tool. */
  names: FileToolNames;
};

/**
 * Writes a file so that no reader ever sees it half-written: the content goes to a temporary
 * file in the same directory (same file system), is flushed, and then takes the target's name in
 * one step. Create-only writes use `link()`, which fails if the name exists, so two writers cannot
 * both "create" it; overwrites use `rename()`, which replaces atomically (concurrent overwriting
 * writers all succeed, the last one wins). The temporary file is removed on any failure. A
 * symbolic link at the target (one that does not resolve inside the root, since the caller
 * passes resolved paths) is refused, never followed or replaced, as is a socket, pipe or device.
 *
 * The target's folder is opened once by {@link openDirectoryInRoot} and every step goes through
 * it, so a parent folder swapped for a link meanwhile cannot move the temporary file or the
 * result outside the root.
 *
 * @returns whether the file was created (true) or replaced (false).
 * @throws {@link FileToolError} `exists`, `symlink`, `wrong-type`, `outside-root` or `io`.
 * @internal
 */
export async function writeFileAtomic({
  rootReal,
  absolute,
  relative,
  content,
  overwrite,
  createDirectories,
  fdPaths,
  names,
}: WriteFileAtomicOptions): Promise<{ created: boolean }> {
  const directory = await openDirectoryInRoot({
    rootReal,
    absoluteDirectory: dirname(absolute),
    relative,
    create: createDirectories,
    fdPaths,
    names,
  });
  try {
    return await writeIn(directory, basename(absolute), relative, content, overwrite, names);
  } finally {
    await directory.close();
  }
}

async function writeIn(
  directory: DirectoryInRoot,
  name: string,
  relative: string,
  content: string,
  overwrite: boolean,
  names: FileToolNames,
): Promise<{ created: boolean }> {
  const target = directory.entry(name);
  const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw ioError(error, relative, names);
  });
  if (existing?.isSymbolicLink() === true) {
    throw new FileToolError({
      reason: 'symlink',
      path: relative,
      message: `${quoteText(relative)} is a symbolic link; writes never follow or replace links. Write to the file it points to instead.`,
    });
  }
  if (existing?.isDirectory() === true) {
    throw new FileToolError({
      reason: 'wrong-type',
      path: relative,
      message: `${quoteText(relative)} is a directory; give a file path inside it.`,
    });
  }
  // A socket, pipe or device is not a file the model wrote: replacing a server's socket with
  // text cuts the server off from its clients (read_file refuses them too).
  if (existing !== undefined && !existing.isFile()) {
    throw new FileToolError({
      reason: 'wrong-type',
      path: relative,
      message: `${quoteText(relative)} is not a regular file (a device, pipe or socket) and is never replaced. Write to another path.`,
    });
  }
  if (existing !== undefined && !overwrite) throw exists(relative);

  // The global Web Crypto, so importing the file tools does not load node:crypto.
  const temporaryName = `.${name}.${globalThis.crypto.randomUUID()}.tmp`;
  const temporary = directory.entry(temporaryName);
  try {
    // O_EXCL: the temporary name is fresh, never an existing file or a planted link.
    const handle = await open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      // Permission bits only: setuid, setgid and sticky are not carried over to bytes the model
      // wrote (a setuid program replaced by model text would still run as its owner).
      existing === undefined ? 0o666 : existing.mode & 0o777,
    );
    try {
      // Without a held folder descriptor (not Linux), a folder swapped meanwhile can put the
      // temporary file outside: it is checked empty, and removed before a byte is written.
      if (!(await directory.holds(temporaryName, handle))) throw swapped(relative);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // With overwrite, a file that appeared meanwhile (another writer of the same new file) is
    // replaced like any other: concurrent writers all succeed and the last rename wins.
    if (existing === undefined && !overwrite) await claimName(temporary, target, relative);
    else await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    if (FileToolError.isInstance(error)) throw error;
    throw ioError(error, relative, names);
  }
  return { created: existing === undefined };
}

/** Gives the temporary file the target name only if nobody took it meanwhile. */
async function claimName(temporary: string, target: string, relative: string): Promise<void> {
  try {
    await link(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(relative);
    // Some file systems have no hard links; a rename is still atomic, only not exclusive.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
      throw error;
    await rename(temporary, target);
    return;
  }
  await unlink(temporary);
}

function exists(relative: string): FileToolError {
  return new FileToolError({
    reason: 'exists',
    path: relative,
    message: `${quoteText(relative)} already exists. Call again with overwrite: true to replace it, or choose another name.`,
  });
}
