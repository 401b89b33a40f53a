import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { settles } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import { ChatStoreLockedError } from '../errors/chat-store-locked-error.ts';
import { cleanUp, recordingLogger, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { compileFileStore } from './__fixtures__/compile-file-store.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn } from './history-store.ts';

// Two worker threads of one process append to one session of one file. The lock took a lock of
// its own pid for an earlier process's whenever the start times differed by a second, and a
// worker thread's start time is its own: the later thread took over the live thread's lock, both
// wrote, and one cut what it took for a torn last line of the other's.
// Also what the lock file can be when something else planted it: a FIFO (a read of it waited for
// a writer for ever) or a huge file (read whole).

const threadWriter = fileURLToPath(new URL('./__fixtures__/append-in-thread.mjs', import.meta.url));
let storeModule: string;

beforeAll(async () => {
  storeModule = await compileFileStore();
}, 60_000);
afterAll(cleanUp);

type Message =
  | { type: 'ready'; timeOrigin: number }
  | { type: 'saved'; index: number }
  | { type: 'done' }
  | { type: 'failed'; error: { code: string; holder: unknown; message: string } };

function startThread(file: string, writer: string, turns: number, ownTimeOrigin: boolean) {
  const worker = new Worker(threadWriter, {
    workerData: { storeModule, file, writer, turns, ownTimeOrigin },
  });
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  worker.on('message', (message: Message) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number>((resolve, reject) => {
    worker.on('exit', resolve);
    worker.on('error', reject);
  });
  const until = async (test: (message: Message) => boolean): Promise<Message> => {
    for (;;) {
      const found = messages.find(test);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { worker, messages, exited, until };
}

describe('the file store with two writing worker threads of one process', () => {
  // Node 20 gives a worker thread the process's time origin; the spec (and Node's own test) its
  // own start: the lock's same-process check must hold under both.
  it.each([
    ["the process's time origin", false],
    ['its own time origin', true],
  ])(
    "never takes over a live thread's lock (each thread with %s): the second writer fails typed, every acknowledged turn is kept",
    async (_, ownTimeOrigin) => {
      const file = join(await temporaryDirectory(), 'chat.jsonl');
      const first = startThread(file, 'a', 20, ownTimeOrigin);
      const ready = (await first.until(({ type }) => type === 'ready')) as { timeOrigin: number };
      // The second thread starts more than a second after the first, so their start times differ
      // as an earlier process's would (the bug); a loaded machine only widens the gap.
      const gap = ready.timeOrigin + 1_500 - Date.now();
      if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
      const second = startThread(file, 'b', 20, ownTimeOrigin);
      await second.until(({ type }) => type === 'ready');
      try {
        first.worker.postMessage('go');
        second.worker.postMessage('go');
        const outcomes = await settles(
          Promise.all(
            [first, second].map((thread) =>
              thread.until(({ type }) => type === 'done' || type === 'failed'),
            ),
          ),
          'both writers',
        );
        expect(outcomes.map(({ type }) => type).sort()).toEqual(['done', 'failed']);
        const failed = outcomes.find(({ type }) => type === 'failed') as Extract<
          Message,
          { type: 'failed' }
        >;
        expect(failed.error).toMatchObject({
          code: 'chat-store-locked',
          holder: { pid: process.pid, hostname: hostname() },
        });
        expect(failed.error.message).toMatch(/another file history store of this process/);
      } finally {
        for (const thread of [first, second]) thread.worker.postMessage('finish');
        await settles(Promise.all([first.exited, second.exited]), 'both threads to end');
      }
      const acknowledged = [first, second].flatMap(({ messages }, n) =>
        messages.flatMap((message) =>
          message.type === 'saved' ? [`${n === 0 ? 'a' : 'b'} question ${message.index}`] : [],
        ),
      );
      const reader = createFileHistoryStore({ path: file });
      const stored = (await reader.load('s', { logger: recordingLogger() })).map(
        (turn) => turn.contents[0]?.parts[0]?.text,
      );
      await reader.close();
      expect(stored.sort()).toEqual(acknowledged.sort());
      expect(stored).toHaveLength(20);
    },
    120_000,
  );
});

describe('the file store and a lock file planted by something else', () => {
  const context = () => ({ logger: recordingLogger() });
  const turn = (text: string): ChatTurn => ({ contents: [{ role: 'user', parts: [{ text }] }] });

  it('refuses a lock path that is no regular file (a FIFO) with a typed error instead of waiting on it', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const fifo = `${file}.lock`;
    execFileSync('mkfifo', [fifo]);
    const store = createFileHistoryStore({ path: file });
    let error: unknown;
    try {
      error = await settles(
        Promise.resolve(store.append('s', turn('one'), context())).catch((caught) => caught),
        'append',
      );
    } finally {
      // The rescuer: a blocked read of the FIFO (the bug) gets its writer and ends.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
    }
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'append', sessionId: 's' });
    expect((error as Error).message).toMatch(/lock file .* is not a regular file.*remove it/);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.close();
  });

  it('reads no more than the head of a huge lock file: refused while fresh, taken over once old', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const lockFile = `${file}.lock`;
    // 3 GiB without a byte on disk: a whole read failed (past Node's 2 GiB) with an untyped error.
    await writeFile(lockFile, '');
    await truncate(lockFile, 3 * 1024 ** 3);
    const ahead = Date.now() / 1000 + 3600;
    await utimes(lockFile, ahead, ahead);
    const store = createFileHistoryStore({ path: file });
    const fresh = await Promise.resolve(store.load('s', context())).catch((caught) => caught);
    expect(ChatStoreLockedError.isInstance(fresh)).toBe(true);
    expect(fresh).toMatchObject({ holder: undefined, operation: 'load' });

    const past = (Date.now() - 60_000) / 1000;
    await utimes(lockFile, past, past);
    await store.append('s', turn('one'), context());
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await store.close();
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
