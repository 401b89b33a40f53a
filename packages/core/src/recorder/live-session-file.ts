import type * as FsPromises from 'node:fs/promises';
import type { Logger } from '../logging/logger.ts';
import { RUN_HEARTBEAT_MS } from './prune-run-files.ts';
import type { RecordedLiveLine } from './recorded-live.ts';
import { recorderFs as fs, makeFolder } from './recorder-files.ts';

/** What `openLiveSessionFile` needs: the file, its bound, and where its writes are tracked. @internal */
export type LiveSessionFileOptions = {
  dir: string;
  file: string;
  maxSessionBytes: number;
  logger: Logger | undefined;
  /** Removes the client's key from a line before it is written. */
  redact: (<T>(value: T) => T) | undefined;
  /** Keeps a pending write, so the recorder's `flush()` waits for it. */
  track: (promise: Promise<void>) => void;
};

/** The file of one recorded live session (see `openLiveSessionFile`). @internal */
export type LiveSessionFile = {
  /**
   * Appends one line, redacted. Past `maxSessionBytes`, a `truncated` line, and every later line
   * but the closing `live-end` is dropped (counted in `dropped`). After a failed write, nothing.
   */
  write(line: RecordedLiveLine): void;
  /** The lines dropped past `maxSessionBytes`. */
  readonly dropped: number;
  /** The bytes of the lines written (the folder's pruner counts them). */
  readonly written: number;
  /** Stops the heartbeat and closes the file once every line is written; never rejects. */
  close(): Promise<void>;
};

/**
 * Opens a live session's file for appending: one chain of writes in order, the session's byte
 * bound, a heartbeat that keeps a quiet session's file fresh, and a write failure logged once,
 * after which the session is not recorded further (the file closed at once).
 * @internal
 */
export function openLiveSessionFile({
  dir,
  file,
  maxSessionBytes,
  logger,
  redact,
  track,
}: LiveSessionFileOptions): LiveSessionFile {
  // The open file, closed by the session's end, or at once when a write fails.
  let fileHandle: FsPromises.FileHandle | undefined;
  let chain: Promise<FsPromises.FileHandle | undefined> = makeFolder(dir)
    .then(() => fs().open(file, 'a'))
    .then((handle) => {
      fileHandle = handle;
      return handle;
    });
  let written = 0;
  let full = false;
  let failed = false;
  let dropped = 0;
  const append = (text: string): void => {
    chain = chain
      .then(async (handle) => {
        await handle?.write(text);
        return handle;
      })
      .catch(async (error: unknown) => {
        if (!failed)
          logger?.warn?.(
            { err: error, file },
            'live recorder: writing failed; this session is not recorded further',
          );
        failed = true;
        // Closed here, not left to the garbage collector (as the run recorder, attack29).
        const dropped = fileHandle;
        fileHandle = undefined;
        await dropped?.close().catch(() => undefined);
        return undefined;
      });
    track(chain.then(() => undefined));
  };
  // A long quiet session keeps its file's mtime fresh, so no pruner takes it for abandoned.
  const heartbeat = setInterval(() => {
    const now = new Date();
    track(
      chain.then(async (handle) => {
        await handle?.utimes(now, now).catch(() => undefined);
      }),
    );
  }, RUN_HEARTBEAT_MS);
  heartbeat.unref?.();

  return {
    write(line) {
      if (failed) return;
      const text = `${JSON.stringify(redact === undefined ? line : redact(line))}\n`;
      const bytes = Buffer.byteLength(text);
      if (line.type !== 'live-end') {
        if (full) {
          dropped++;
          return;
        }
        if (written + bytes > maxSessionBytes) {
          full = true;
          dropped++;
          append(
            `${JSON.stringify({ type: 'truncated', reason: `the session passed maxSessionBytes (${maxSessionBytes})`, at: line.at } satisfies RecordedLiveLine)}\n`,
          );
          return;
        }
      }
      written += bytes;
      append(text);
    },
    get dropped() {
      return dropped;
    },
    get written() {
      return written;
    },
    close() {
      clearInterval(heartbeat);
      return chain
        .then(async (handle) => {
          await handle?.close();
        })
        .catch(() => undefined);
    },
  };
}
