import type * as Crypto from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Logger } from '../logging/logger.ts';
import { ChatHistoryCorruptError } from './chat-history-corrupt-error.ts';
import {
  cutTornTail,
  type HistoryRecord,
  historyFileName,
  parseHistoryFile,
  toHistoryLine,
} from './history-file.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';
import { runExclusive } from './run-exclusive.ts';

// node:fs/promises and node:crypto load at the first file operation, not when gemloop is imported
// (together about 5 ms of every cold start, for a store most programs never create).
const require = createRequire(import.meta.url);
let fsModule: typeof FsPromises | undefined;
let cryptoModule: typeof Crypto | undefined;
const fs = (): typeof FsPromises => (fsModule ??= require('node:fs/promises') as typeof FsPromises);
const crypto = (): typeof Crypto => (cryptoModule ??= require('node:crypto') as typeof Crypto);

/** Options of {@link createFileHistoryStore}: a `directory` or a `path`. */
export type CreateFileHistoryStoreOptions = (
  | {
      /** One `<id>.jsonl` file per session in this directory (created on the first save). */
      directory: string;
      path?: undefined;
    }
  | {
      /** One file for every session; each line names its session. */
      path: string;
      directory?: undefined;
    }
) & {
  /**
   * Flush every append to the disk (`fdatasync`, and the directory when a file is created)
   * before the send resolves, so a saved turn survives a power loss. @defaultValue true
   */
  fsync?: boolean | undefined;
};

/** A {@link HistoryStore} in JSON-lines files, made by {@link createFileHistoryStore}. */
export type FileHistoryStore = HistoryStore & {
  /** The absolute path of the file that holds session `id`. */
  filePath(id: string): string;
};

/**
 * A {@link HistoryStore} in JSON-lines files: one line per turn (one send), written with a single
 * append and flushed, so a crash in the middle of a write leaves at worst a torn last line. `load`
 * ignores a torn last line with a warning, the next append cuts it off first, and the history is
 * what it was before the interrupted send. Any other line that is not a turn is a
 * {@link ChatHistoryCorruptError} naming the file and the line, never skipped silently.
 *
 * Calls on one file are serialised within the process. Several processes writing the same file
 * are not supported (a lock file or a database store is the tool for that).
 *
 * @example
 * ```ts
 * const chat = agent.chat({ store: createFileHistoryStore({ directory: './chats' }), id: 'user-42' });
 * ```
 *
 * @throws {@link InvalidArgumentError} unless exactly one of `directory` and `path` is a
 *   non-empty string.
 */
export function createFileHistoryStore(options: CreateFileHistoryStoreOptions): FileHistoryStore {
  const { directory, path } = options ?? {};
  const given = [directory, path].filter((value) => value !== undefined);
  if (given.length !== 1 || typeof given[0] !== 'string' || given[0] === '') {
    throw new InvalidArgumentError({
      argument: directory === undefined ? 'path' : 'directory',
      message:
        'createFileHistoryStore() takes exactly one of { directory } (a file per session) or { path } (one file for all sessions), as a non-empty string.',
    });
  }
  const fsync = options.fsync ?? true;
  const root = directory === undefined ? undefined : resolve(directory);
  const single = path === undefined ? undefined : resolve(path);
  // Serialises the calls on each file; sessions on different files run in parallel.
  const locks = {};

  const filePath = (id: string): string => {
    if (typeof id !== 'string' || id === '') {
      throw new InvalidArgumentError({
        argument: 'id',
        message: 'A session id must be a non-empty string.',
      });
    }
    return single ?? join(root as string, historyFileName(id));
  };

  const readRecords = async (file: string, id: string, logger: Logger) => {
    let bytes: Buffer;
    try {
      bytes = await fs().readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseHistoryFile(bytes, { file, sessionId: id, logger });
  };

  return {
    filePath,
    load(id, { logger }) {
      const file = filePath(id);
      return runExclusive(locks, file, async () => {
        const turns: ChatTurn[] = [];
        for (const record of await readRecords(file, id, logger)) {
          if (record.id === id) turns.push(record.turn);
          else if (single === undefined) throw foreignLine(file, id, record);
        }
        return turns;
      });
    },
    append(id, turn, { logger }) {
      const file = filePath(id);
      const line = Buffer.from(toHistoryLine(id, turn), 'utf8');
      return runExclusive(locks, file, () => appendLine(file, line, { fsync, logger }));
    },
    clear(id, { logger }) {
      const file = filePath(id);
      return runExclusive(locks, file, async () => {
        if (single === undefined) {
          try {
            await fs().unlink(file);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
            throw error;
          }
        } else {
          const records = await readRecords(file, id, logger);
          if (!records.some((record) => record.id === id)) return;
          const kept = records.filter((record) => record.id !== id);
          await replaceFile(file, kept.map((record) => `${record.text}\n`).join(''), fsync);
        }
        if (fsync) await syncDirectory(dirname(file));
      });
    },
  };
}

/** Appends one line in one write, flushed, and cuts a torn tail a crash left first. */
async function appendLine(
  file: string,
  line: Buffer,
  { fsync, logger }: { fsync: boolean; logger: Logger },
): Promise<void> {
  await fs().mkdir(dirname(file), { recursive: true });
  // `a+`: every write goes to the end (O_APPEND) and the tail can still be read and cut.
  const handle = await fs().open(file, 'a+');
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
}

/** Writes `text` to a temporary file and renames it over `file`: readers see old or new. */
async function replaceFile(file: string, text: string, fsync: boolean): Promise<void> {
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

async function syncDirectory(directory: string): Promise<void> {
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

function foreignLine(file: string, id: string, record: HistoryRecord): Error {
  return new ChatHistoryCorruptError({
    file,
    line: record.line,
    reason: `the line belongs to session ${JSON.stringify(record.id)}, not ${JSON.stringify(id)} (a file copied or renamed by hand?)`,
    sessionId: id,
  });
}
