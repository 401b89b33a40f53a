import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import { fileErrorAdvice } from '../shared/files/file-error-advice.ts';
import { linkedFile } from '../shared/files/linked-file.ts';
import { makeFolder } from '../shared/files/make-folder.ts';
import { createVectorStore, type VectorStoreOptions } from './create-vector-store.ts';
import { MemoryError, type MemoryOperation } from './memory-error.ts';
import { DEFAULT_MEMORY_LOCK_WAIT_MS, withMemoryFileLock } from './memory-file-lock.ts';
import type { MemoryStore } from './memory-store.ts';
import type { EmbeddedMemory } from './rank-by-similarity.ts';
import { parseMemoryFile } from './read-memory-file.ts';

// node:fs loads at the first file operation, not when gemloop is imported (as the chat file store).
const require = createRequire(import.meta.url);
// why (lazy): node:fs/promises loaded at first use.
let fsModule: typeof FsPromises | undefined;
const fs = (): typeof FsPromises => (fsModule ??= require('node:fs/promises') as typeof FsPromises);

/**
 * The file a change replaces: the one `file` leads to through symbolic links (the links kept, the
 * file perhaps not made yet), else `file`. A change renamed its new file over the link itself: the
 * link became a file of its own, and a store on the file it pointed to (another worker, the next
 * deployment) saw nothing of it nor took the same lock (knowledge67).
 */
function linkTarget(file: string): Promise<string> {
  return linkedFile(file, fs(), { resolve, dirname });
}

/** What only reads: no lock, since a change replaces the file whole (by rename). */
const READS: ReadonlySet<MemoryOperation> = new Set(['search', 'list', 'get']);

/** The largest memory file the store reads unless told otherwise: 64 MiB. */
export const DEFAULT_MAX_MEMORY_FILE_BYTES: number = 64 * 1024 * 1024;

/** Options of {@link createFileMemoryStore}. */
export type FileMemoryStoreOptions = VectorStoreOptions & {
  /** The JSON-lines file of every scope's memories (made on the first write, mode 0600). */
  path: string;
  /**
   * The largest file the store reads; a bigger one fails with a `MemoryError` rather than fill
   * the process's memory, and so does a change that would write a bigger one (nothing written).
   * @defaultValue 64 MiB
   */
  maxFileBytes?: number | undefined;
  /**
   * How long a change waits for the file's lock while another writer (a store of this process
   * or another) holds it; past it the change fails with a `MemoryError` naming the holder.
   * @defaultValue 30,000 ms
   */
  lockWaitMs?: number | undefined;
};

/**
 * A {@link MemoryStore} in one JSON-lines file (a record a line, embeddings included), with an
 * exact cosine search. Each change rewrites the file atomically (a temporary file renamed over it,
 * so a crash leaves the old file or the new one) holding the file's lock (`<path>.lock`, made with
 * `O_EXCL`), so stores on one path, in one process or several of one host, lose no change; a lock
 * whose process died is taken over. A `path` that is a symbolic link is followed: the file it
 * points to is replaced (and locked), the link kept. Reads take no lock (they see the old file or the new one) and
 * refuse a file that is not a regular file (a FIFO, a device), one over `maxFileBytes`, and one
 * with a line that is not a memory record. Every change reads and rewrites the whole file: for
 * many writers, the Postgres store of `@gemloop/dbos`.
 *
 * @example
 * ```ts
 * const store = createFileMemoryStore({ path: '.data/memories.jsonl' });
 * ```
 * @throws {@link InvalidArgumentError} for a missing `path`, a bad `maxFileBytes` or `lockWaitMs`.
 */
export function createFileMemoryStore({
  path,
  maxFileBytes = DEFAULT_MAX_MEMORY_FILE_BYTES,
  lockWaitMs = DEFAULT_MEMORY_LOCK_WAIT_MS,
  ...options
}: FileMemoryStoreOptions): MemoryStore {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError({
      argument: 'path',
      message: 'createFileMemoryStore needs a `path`: the JSON-lines file to keep memories in.',
    });
  }
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0) {
    throw new InvalidArgumentError({
      argument: 'maxFileBytes',
      message: `maxFileBytes must be a positive whole number of bytes; got ${describeValue(maxFileBytes)}.`,
    });
  }
  if (!(Number.isFinite(lockWaitMs) && lockWaitMs >= 0)) {
    throw new InvalidArgumentError({
      argument: 'lockWaitMs',
      message: `lockWaitMs must be a number of milliseconds, 0 or more; got ${describeValue(lockWaitMs)}.`,
    });
  }
  const file = resolve(path);
  let queue: Promise<unknown> = Promise.resolve();
  const readAll = async (operation: MemoryOperation): Promise<EmbeddedMemory[]> => {
    const { constants } = require('node:fs') as typeof Fs;
    let handle: FsPromises.FileHandle;
    try {
      // O_NONBLOCK: a FIFO planted under the name opens at once and is refused below.
      handle = await fs().open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new MemoryError({
        operation,
        path: file,
        message: `The memory file ${file} cannot be read.`,
        cause: error,
      });
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new MemoryError({
          operation,
          path: file,
          message: `The memory file ${file} is not a regular file (a FIFO, a device, or a link to one); give the store a path to a regular file.`,
        });
      }
      if (stat.size > maxFileBytes) {
        throw new MemoryError({
          operation,
          path: file,
          message: `The memory file ${file} is ${stat.size} bytes, over the store's maxFileBytes (${maxFileBytes}); raise maxFileBytes, or lower maxMemoriesPerScope and trim the file.`,
        });
      }
      return parseMemoryFile(await handle.readFile('utf8'), { path: file, operation });
    } finally {
      await handle.close();
    }
  };
  const writeAll = async (
    target: string,
    operation: MemoryOperation,
    records: readonly EmbeddedMemory[],
  ): Promise<void> => {
    const temporary = `${target}.${crypto.randomUUID()}.tmp`;
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    // The bound is each read's: a file written over it was refused by every later read, for
    // every user of the file, the writer too (knowledge67). The change that would cross it fails.
    const bytes = Buffer.byteLength(text);
    if (bytes > maxFileBytes) {
      throw new MemoryError({
        operation,
        path: file,
        message: `This ${operation} would make the memory file ${file} ${bytes} bytes, over the store's maxFileBytes (${maxFileBytes}), which no read would then take; nothing was written. Raise maxFileBytes, lower maxMemoriesPerScope, or forget memories first (many users: the Postgres store of @gemloop/dbos).`,
      });
    }
    try {
      // Memories are personal data: the file is readable by its owner only.
      await fs().writeFile(temporary, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
      await fs().rename(temporary, target);
    } catch (error) {
      await fs()
        .unlink(temporary)
        .catch(() => {});
      throw error;
    }
  };
  return createVectorStore(
    {
      transact(scope, operation, change) {
        const apply = async (target: string) => {
          const all = await readAll(operation);
          const { records, value } = change(all.filter((record) => record.scope === scope));
          if (records !== undefined) {
            await writeAll(target, operation, [
              ...all.filter((record) => record.scope !== scope),
              ...records,
            ]);
          }
          return value;
        };
        const next = queue.then(async () => {
          if (READS.has(operation)) return apply(file);
          try {
            const target = await linkTarget(file);
            await makeFolder({ dir: dirname(target), mkdir: (path) => fs().mkdir(path), dirname });
            return await withMemoryFileLock(target, { operation, waitMs: lockWaitMs }, () =>
              apply(target),
            );
          } catch (error) {
            // why (typed): a read-only folder, a full disk or a name too long came out as Node's
            // raw error, with no word on what to do (attack49a).
            const advice = fileErrorAdvice(error);
            if (advice === '' || MemoryError.isInstance(error)) throw error;
            throw new MemoryError({
              operation,
              path: file,
              message: `The memory file ${file} cannot be written: ${(error as Error).message}${advice}.`,
              cause: error,
            });
          }
        });
        queue = next.catch(() => {});
        return next;
      },
    },
    options,
  );
}
