// The file store's writes: one flushed append, an atomic replace, a folder flush. Split from
// create-file-history-store.ts.
import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { ChatStoreError, type ChatStoreOperation } from '../errors/chat-store-error.ts';
import type { Logger } from '../logging/logger.ts';
import { linkedFile } from '../shared/files/linked-file.ts';
import { makeFolder } from '../shared/files/make-folder.ts';
import { cutTornTail } from './history-file.ts';

// node:fs/promises and node:crypto load at the first file operation, not when gemloop is imported
// (together about 5 ms of every cold start, for a store most programs never create).
const require = createRequire(import.meta.url);
// why (lazy): node modules loaded at the first file operation.
let fsModule: typeof FsPromises | undefined;
let cryptoModule: typeof Crypto | undefined;
/** `node:fs/promises`, loaded at its first use. @internal */
export const fs = (): typeof FsPromises =>
  (fsModule ??= require('node:fs/promises') as typeof FsPromises);
const crypto = (): typeof Crypto => (cryptoModule ??= require('node:crypto') as typeof Crypto);

/** The size a missing file has in the store's cache. @internal */
export const MISSING = -1;

/** A file's size, or {@link MISSING} when there is none. @internal */
export async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs().stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return MISSING;
    throw error;
  }
}

/**
 * Opens a history file (`r` or `a+`) only if it is a regular file (a symlink to one is followed,
 * as a user may keep the history elsewhere): a FIFO, a device or a link to one planted under a
 * session's name is refused with a {@link ChatStoreError} instead of blocking (a FIFO without a
 * writer) or being read for ever (`/dev/zero`). O_NONBLOCK makes the open of a FIFO return at
 * once (open(2)), and fstat then refuses it, as the viewer and the file artifact store do.
 * @internal
 */
export async function openHistoryFile(
  file: string,
  mode: 'r' | 'a+',
  { sessionId, operation }: { sessionId: string; operation: ChatStoreOperation },
): Promise<FsPromises.FileHandle> {
  const { constants } = require('node:fs') as typeof Fs;
  const flags =
    (mode === 'r'
      ? constants.O_RDONLY
      : constants.O_RDWR | constants.O_APPEND | constants.O_CREAT) | (constants.O_NONBLOCK ?? 0);
  let handle: FsPromises.FileHandle;
  try {
    handle = await fs().open(file, flags, 0o666);
  } catch (error) {
    // Opened for writing, a folder fails with a bare EISDIR that named neither the store's
    // option nor the fix.
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      throw folderError(file, operation, sessionId, error);
    }
    // Links that lead back to themselves: Node's bare ELOOP named no option and no fix.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new ChatStoreError({
        message: `The chat history file ${file} is a symbolic link that leads back to itself (a loop of links, or too many in a row): the store cannot reach a file through it. Point the link at a file, or give the store the file's own path.`,
        operation,
        sessionId,
        cause: error,
      });
    }
    throw error;
  }
  let stats: Fs.Stats | undefined;
  try {
    stats = await handle.stat();
  } finally {
    if (stats?.isFile() !== true) await handle.close();
  }
  if (stats.isDirectory()) throw folderError(file, operation, sessionId);
  if (!stats.isFile()) {
    throw new ChatStoreError({
      message: `The chat history file ${file} is not a regular file (a FIFO, a device, or a link to one): the store never reads or writes through it. Move it away, or give the store a path to a regular file.`,
      operation,
      sessionId,
    });
  }
  return handle;
}

/** The history path is a folder: the option that names it is meant for a file. */
function folderError(
  file: string,
  operation: ChatStoreOperation,
  sessionId: string,
  cause?: unknown,
): ChatStoreError {
  return new ChatStoreError({
    message: `The chat history file ${file} is a folder, and the store keeps a history in a file. Give createFileHistoryStore() { directory: '${file}' } for one file per session in that folder, or { path } naming a file (such as '${file}/chat.jsonl'); or move the folder away.`,
    operation,
    sessionId,
    cause,
  });
}

/** Appends one line in one write, flushed, and cuts a torn tail a crash left first. @internal */
export async function appendLine(
  file: string,
  line: Buffer,
  { fsync, logger, sessionId }: { fsync: boolean; logger: Logger; sessionId: string },
): Promise<{ before: number; after: number }> {
  await makeFolder({ dir: dirname(file), mkdir: (path) => fs().mkdir(path), dirname });
  // `a+`: every write goes to the end (O_APPEND) and the tail can still be read and cut.
  const handle = await openHistoryFile(file, 'a+', { sessionId, operation: 'append' });
  let size = -1;
  try {
    size = await cutTornTail(handle, (await handle.stat()).size, { file, logger });
    let written = 0;
    while (written < line.length) {
      const { bytesWritten } = await handle.write(line, written, line.length - written);
      written += bytesWritten;
    }
    if (fsync) await handle.datasync();
  } catch (error) {
    // Leave the file as it was: a half-written line would be taken for a crash's torn tail.
    if (size >= 0) await handle.truncate(size).catch(() => {});
    throw error;
  } finally {
    await handle.close();
  }
  // A new file's name must reach the disk too, or a power loss can lose the whole file.
  if (fsync && size === 0) await syncDirectory(dirname(file));
  return { before: size, after: size + line.length };
}

/** The file `file` leads to through symbolic links (`shared/files/linked-file.ts`). @internal */
export function historyFileTarget(file: string): Promise<string> {
  return linkedFile(file, fs(), { resolve, dirname });
}

/** Writes `text` to a temporary file and renames it over `file`: readers see old or new. @internal */
export async function replaceFile(file: string, text: string, fsync: boolean): Promise<void> {
  const temporary = `${file}.${crypto().randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs().open(temporary, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    if (fsync) await handle.datasync();
  } catch (error) {
    await handle.close();
    await fs()
      .unlink(temporary)
      .catch(() => {});
    throw error;
  }
  await handle.close();
  await fs().rename(temporary, file);
}

/** Flushes a folder's entries (a new file's name), where the platform can. @internal */
export async function syncDirectory(directory: string): Promise<void> {
  // Not every platform can open or flush a directory (Windows); the data itself is flushed.
  try {
    const handle = await fs().open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort by design.
  }
}
