import type * as FsPromises from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ChatStoreOperation } from '../errors/chat-store-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Logger } from '../logging/logger.ts';
import {
  booleanOption,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  optionCheck,
} from '../options/define-options.ts';
import type { AsyncDispose } from '../shared/async-dispose.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import {
  foreignLineError,
  type HistoryRecord,
  historyFileName,
  parseHistoryFile,
  toHistoryLine,
  warnTornLine,
} from './history-file.ts';
import {
  acquireHistoryFileLock,
  adoptLegacyHistoryFile,
  type HistoryFileLock,
} from './history-file-lock.ts';
import {
  appendLine,
  fs,
  historyFileTarget,
  MISSING,
  openHistoryFile,
  replaceFile,
  sizeOf,
  syncDirectory,
} from './history-file-writes.ts';
import type {
  ChatTurn,
  HistoryStore,
  HistoryStoreContext,
  RecentChatTurns,
} from './history-store.ts';
import {
  createTurnMeter,
  emptyWindow,
  holdsEnough,
  trimWindow,
  type Window,
} from './history-window.ts';
import { countOlderTurns, findCommittedEnd, readHistoryTail } from './read-history-tail.ts';
import { runExclusive } from './run-exclusive.ts';

/** Half of a UTF-16 surrogate pair standing alone (with the `u` flag, a whole pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Options of {@link createFileHistoryStore}: a `directory` or a `path`. */
export type CreateFileHistoryStoreOptions = (
  | {
      /** One `<id>.jsonl` file per session in this directory (created at the first use). */
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

const ONE_OF =
  'createFileHistoryStore() takes exactly one of { directory } (a file per session) or { path } (one file for all sessions), as a non-empty string.';

const isPathName = (value: unknown): boolean => typeof value === 'string' && value !== '';

const fileStoreOptions: DeclaredOptions<CreateFileHistoryStoreOptions> =
  defineOptions<CreateFileHistoryStoreOptions>({
    name: 'createFileHistoryStore()',
    example: "{ directory: './chats' }",
    checks: {
      directory: optionCheck(isPathName, ONE_OF),
      path: optionCheck(isPathName, ONE_OF),
      fsync: booleanOption(),
    },
  });

/** A {@link HistoryStore} in JSON-lines files, made by {@link createFileHistoryStore}. */
export type FileHistoryStore = Omit<HistoryStore, 'loadRecent'> & {
  /**
   * The newest turns of `id` that `limit` can send, read from the end of the file (see
   * {@link createFileHistoryStore}), and how many stored turns come before them.
   */
  loadRecent(
    id: string,
    limit: ChatHistoryLimit,
    context: HistoryStoreContext,
  ): Promise<RecentChatTurns>;
  /** The absolute path of the file that holds session `id`. */
  filePath(id: string): string;
  /**
   * Done with session `id` (what `chat.close()` calls): drops its cached history and, once no
   * session of the file is open (`{ directory }`: its own file), removes the file's lock.
   */
  release(id: string, context?: HistoryStoreContext): Promise<void>;
  /**
   * Removes every lock this store holds and drops its cached histories. The store can be used
   * again afterwards (it locks and reads the files again). Also `await using store = ...`.
   */
  close(): Promise<void>;
  /** `close()`, for `await using store = ...`. */
  [Symbol.asyncDispose]: AsyncDispose;
};

/**
 * A {@link HistoryStore} in JSON-lines files: one line per turn (one send), written with a single
 * append and flushed, so a crash in the middle of a write leaves at worst a torn last line. `load`
 * ignores a torn last line with a warning, the next append cuts it off first, and the history is
 * what it was before the interrupted send. Any other line that is not a turn is a
 * {@link ChatHistoryCorruptError} naming the file and the line, never skipped silently.
 *
 * **One writer per file.** Two processes appending to one file lose acknowledged turns (one cuts
 * what it takes for a torn last line while the other writes it), so the store takes a lock file
 * (`<file>.lock`, created with `O_EXCL`, holding the pid, host name, start time and thread; the
 * memory file store takes the same lock) before its first use of a history file, and keeps it
 * until `release(id)` (what `chat.close()` calls), `close()` or the process's (or worker
 * thread's) exit. Another process, or another store object of this process (in this thread or
 * another), then gets a {@link ChatStoreLockedError} that names the holder, instead of losing
 * data. A lock whose process died on this host (a crash, a kill) or an earlier process with this
 * pid left is taken over, and so is one that holds no lock record (empty or damaged) once it is
 * 10 seconds old; one of another host (a shared disk) must be deleted by hand once nothing uses
 * the file. A takeover claims the dead lock first (a file created with `O_EXCL`, no hard link
 * needed: FAT/exFAT and network mounts alike), so one of the writers that meet it at once takes it
 * over. A lock path that is no regular file (a FIFO) is a {@link ChatStoreError}. Calls on
 * one file are serialised within the store. A history file that is a symbolic link is followed:
 * the file it leads to is locked (`<that file>.lock`), rewritten and removed, and the link kept.
 *
 * Since the store is the file's only writer, it keeps each session's history in memory once
 * loaded and adds each turn it appends: a send reads the file once, not on every message (a file
 * changed behind its back, which a size check notices, is read again). Do not mutate the turns
 * it returns. `release(id)` or `close()` frees that memory.
 *
 * **A limited session reads only the end of the file.** With `limit.maxTurns` or
 * `limit.maxTokens` (`loadRecent`), the first send reads the file backwards from its end, 64 KiB
 * at a time, and parses only the newest turns the limit can send (at most `maxTurns`, or until
 * their tokens pass `maxTokens`); only those stay in memory, and each later send drops the ones it
 * no longer needs. The older lines are counted, not parsed, so `droppedTurns` stays exact: a
 * streamed scan, 1 MiB at a time, that reads them once per session (not again on later sends).
 * Those older lines are not checked: one that starts as the store writes a turn of the session
 * counts as a turn even if it is damaged further on, and only a full read (`chat.turns()`,
 * `chat.history()`, a send without a limit) reports it as a {@link ChatHistoryCorruptError}. A
 * line the scan cannot classify (written by hand or by another program) makes that send read the
 * whole file as without a limit, which checks every line.
 *
 * Node only (Bun and Deno too): it needs the file system, so bundles for browsers and workers,
 * which load the portable build of `@gemloop/core`, do not have it.
 *
 * @example
 * ```ts
 * const store = createFileHistoryStore({ directory: './chats' });
 * const chat = createChatSession({ agent, store, id: 'user-42' });
 * // ...
 * await chat.close(); // releases the file's lock (store.close() releases every one)
 * ```
 *
 * @throws {@link InvalidArgumentError} unless exactly one of `directory` and `path` is a
 *   non-empty string.
 */
export function createFileHistoryStore(options: CreateFileHistoryStoreOptions): FileHistoryStore {
  // Each option read once (attack20): a getter gave the check a path and the store a number.
  const { directory, path, fsync = true } = checkOptionsCopy(fileStoreOptions, options);
  if ((directory === undefined) === (path === undefined)) {
    throw new InvalidArgumentError({
      argument: directory === undefined ? 'path' : 'directory',
      message: ONE_OF,
    });
  }
  const root = directory === undefined ? undefined : resolve(directory);
  // Whether an earlier gemloop's `con.jsonl` can hold turns (not on Windows: it was the device).
  const { platform } = process;
  const single = path === undefined ? undefined : resolve(path);
  // Serialises the calls on each file; sessions on different files run in parallel.
  const locks = {};
  // The files this store holds the lock of: the sessions open on each, and what it has read.
  const opened = new Map<string, OpenFile>();

  const filePath = (id: string): string => {
    if (typeof id !== 'string' || id === '') {
      throw new InvalidArgumentError({
        argument: 'id',
        message: 'A session id must be a non-empty string.',
      });
    }
    // UTF-8, which names the file, writes every lone surrogate as U+FFFD: `x\uD800`, `x\uDC00` and
    // `x\uFFFD` would share one file, each refused as corrupt by the others' lines.
    if (LONE_SURROGATE.test(id)) {
      throw new InvalidArgumentError({
        argument: 'id',
        message: `The session id ${JSON.stringify(id.slice(0, 40))}${id.length > 40 ? '…' : ''} holds a lone surrogate (half of a UTF-16 pair, no character): it cannot name a file apart from its twins. Use well-formed text (String.prototype.toWellFormed()).`,
      });
    }
    return single ?? join(root as string, historyFileName(id));
  };

  /** The file's state, taking its lock at the first use. Runs inside the file's queue. */
  const open = async (file: string, id: string, operation: ChatStoreOperation) => {
    let state = opened.get(file);
    if (state === undefined) {
      const target = await historyFileTarget(file);
      const lock = await acquireHistoryFileLock(target, { operation, sessionId: id });
      if (single === undefined) {
        await adoptLegacyHistoryFile({ file, sessionId: id, operation, platform }).catch(
          async (error: unknown) => {
            await lock.release();
            throw error;
          },
        );
      }
      state = { lock, target, ids: new Set(), cache: undefined };
      opened.set(file, state);
    }
    state.ids.add(id);
    return state;
  };

  const readRecords = async (file: string, id: string, logger: Logger) => {
    let bytes: Buffer;
    try {
      const handle = await openHistoryFile(file, 'r', { sessionId: id, operation: 'load' });
      try {
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { records: [], size: MISSING, committed: 0 };
      }
      throw error;
    }
    return {
      records: parseHistoryFile(bytes, { file, sessionId: id, logger }),
      size: bytes.length,
      committed: bytes.lastIndexOf(0x0a) + 1,
    };
  };

  /**
   * The cache when the file is as the store left it (the same size: the store is its only
   * writer), else none.
   */
  const validCache = async (file: string, state: OpenFile) => {
    if (state.cache !== undefined && state.cache.size !== (await sizeOf(file))) {
      state.cache = undefined;
    }
    return state.cache;
  };

  /** Every turn of session `id`: what the cache holds when that is all, else a full read. */
  const allTurnsOf = async (
    file: string,
    id: string,
    state: OpenFile,
    logger: Logger,
  ): Promise<Window> => {
    const window = (await validCache(file, state))?.windows.get(id);
    if (window !== undefined && window.olderTurns === 0) return window;
    const { records, size, committed } = await readRecords(file, id, logger);
    const windows = new Map<string, Window>([[id, emptyWindow(0)]]);
    for (const record of records) {
      if (record.id !== id && single === undefined) throw foreignLineError(file, id, record);
      let held = windows.get(record.id);
      if (held === undefined) {
        held = emptyWindow(0);
        windows.set(record.id, held);
      }
      held.turns.push(record.turn);
      held.offsets.push(record.offset);
    }
    state.cache = { size, committed, windows, complete: true };
    return windows.get(id) as Window;
  };

  /**
   * The newest turns of session `id` that `limit` can send: what the cache holds, read further
   * back when that is too few, or read from the file's end (the older turns counted, not parsed).
   */
  const recentTurnsOf = async (
    file: string,
    id: string,
    state: OpenFile,
    limit: ChatHistoryLimit,
    logger: Logger,
  ): Promise<Window> => {
    const meter = () => createTurnMeter(limit);
    const shared = single !== undefined;
    let cache = await validCache(file, state);
    let window = cache?.windows.get(id);
    if (window !== undefined && (window.olderTurns === 0 || holdsEnough(window, meter()))) {
      return window;
    }
    if (window === undefined && cache?.complete === true) {
      // The cache holds every session of the file: this one has no turns yet.
      window = emptyWindow(0);
      cache.windows.set(id, window);
      return window;
    }
    let handle: FsPromises.FileHandle;
    try {
      handle = await openHistoryFile(file, 'r', { sessionId: id, operation: 'load' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      window = emptyWindow(0);
      state.cache = {
        size: MISSING,
        committed: 0,
        windows: new Map([[id, window]]),
        complete: true,
      };
      return window;
    }
    try {
      if (cache === undefined) {
        const size = (await handle.stat()).size;
        const committed = await findCommittedEnd(handle, size);
        if (committed < size) warnTornLine(logger, file, size - committed, 'ignored it');
        cache = { size, committed, windows: new Map(), complete: false };
        state.cache = cache;
      }
      const known = window ?? emptyWindow(cache.committed);
      const fed = meter();
      for (let index = known.turns.length - 1; index >= 0; index--) {
        fed.add(known.turns[index] as ChatTurn);
      }
      const tail = await readHistoryTail(handle, {
        end: known.start,
        file,
        sessionId: id,
        shared,
        meter: fed,
      });
      let olderTurns = 0;
      if (tail.start > 0) {
        const counted =
          window === undefined
            ? await countOlderTurns(handle, { end: tail.start, sessionId: id, shared })
            : window.olderTurns - tail.turns.length;
        // A line the count cannot classify: read everything, which checks every line.
        if (counted === undefined) return await allTurnsOf(file, id, state, logger);
        olderTurns = Math.max(counted, 0);
      }
      const extended: Window = {
        turns: tail.turns.concat(known.turns),
        offsets: tail.offsets.concat(known.offsets),
        start: tail.start,
        olderTurns,
      };
      cache.windows.set(id, extended);
      return extended;
    } finally {
      await handle.close();
    }
  };

  const release = async (file: string, ids: readonly string[] | undefined): Promise<void> => {
    const state = opened.get(file);
    if (state === undefined) return;
    if (ids === undefined) state.ids.clear();
    for (const id of ids ?? []) state.ids.delete(id);
    if (state.ids.size > 0) {
      // `{ path }`: other sessions still use the file; the released session's turns are dropped
      // (the cache no longer holds every session's).
      for (const id of ids ?? []) state.cache?.windows.delete(id);
      if (state.cache !== undefined) state.cache.complete = false;
      return;
    }
    opened.delete(file);
    await state.lock.release();
  };

  const store: FileHistoryStore = {
    filePath,
    load(id, { logger }) {
      const file = filePath(id);
      return runExclusive(locks, file, async () => {
        const state = await open(file, id, 'load');
        // A copy of the list, so pushing to the result changes nothing here.
        return (await allTurnsOf(file, id, state, logger)).turns.slice();
      });
    },
    loadRecent(id, limit, { logger }) {
      const file = filePath(id);
      return runExclusive(locks, file, async () => {
        const state = await open(file, id, 'load');
        if (limit?.maxTurns === undefined && limit?.maxTokens === undefined) {
          return {
            turns: (await allTurnsOf(file, id, state, logger)).turns.slice(),
            olderTurns: 0,
          };
        }
        const window = await recentTurnsOf(file, id, state, limit, logger);
        // Only what this limit can send stays held; each append adds one turn until the next send.
        trimWindow(window, createTurnMeter(limit), state.cache?.committed ?? 0);
        return { turns: window.turns.slice(), olderTurns: window.olderTurns };
      });
    },
    append(id, turn, { logger }) {
      const file = filePath(id);
      const text = toHistoryLine(id, turn);
      const line = Buffer.from(text, 'utf8');
      return runExclusive(locks, file, async () => {
        const state = await open(file, id, 'append');
        const { before, after } = await appendLine(file, line, { fsync, logger, sessionId: id });
        const cache = state.cache;
        if (cache === undefined || cache.committed !== before) {
          state.cache = undefined;
          return;
        }
        cache.size = after;
        cache.committed = after;
        let window = cache.windows.get(id);
        if (window === undefined) {
          // Unknown turns before this one, unless the cache holds every session's.
          if (!cache.complete) return;
          window = emptyWindow(0);
          cache.windows.set(id, window);
        }
        // The turn as a later read gives it back (JSON, not the caller's objects).
        const [record] = parseHistoryFile(line, { file, sessionId: id, logger });
        window.turns.push((record as HistoryRecord).turn);
        window.offsets.push(before);
      });
    },
    clear(id, { logger }) {
      const file = filePath(id);
      return runExclusive(locks, file, async () => {
        const state = await open(file, id, 'clear');
        state.cache = undefined;
        if (single === undefined) {
          try {
            await fs().unlink(state.target);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
            throw error;
          }
        } else {
          const { records } = await readRecords(file, id, logger);
          if (!records.some((record) => record.id === id)) return;
          const kept = records.filter((record) => record.id !== id);
          await replaceFile(state.target, kept.map((record) => `${record.text}\n`).join(''), fsync);
        }
        if (fsync) await syncDirectory(dirname(state.target));
      });
    },
    release(id) {
      const file = filePath(id);
      return runExclusive(locks, file, () => release(file, [id]));
    },
    async close() {
      await Promise.all(
        [...opened.keys()].map((file) => runExclusive(locks, file, () => release(file, undefined))),
      );
    },
    [Symbol.asyncDispose]() {
      return store.close();
    },
  };
  return store;
}

/** A history file this store holds the lock of. */
type OpenFile = {
  lock: HistoryFileLock;
  /** The file the path names (a link's target, `historyFileTarget`): locked, replaced and removed. */
  target: string;
  /** The sessions using it; the lock is released when the last one is. */
  ids: Set<string>;
  cache: FileCache | undefined;
};

/**
 * What the store holds of a file: the file's size and the end of its last whole line when it
 * last read or appended, and the turns it holds of each session. Valid while the file still has
 * that size: the store is its only writer.
 */
type FileCache = {
  size: number;
  committed: number;
  windows: Map<string, Window>;
  /** Whether `windows` has every session of the file (after a full read). */
  complete: boolean;
};
