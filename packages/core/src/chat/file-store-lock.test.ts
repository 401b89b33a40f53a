import { spawn } from 'node:child_process';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentClosedError } from '../agent/errors/agent-closed-error.ts';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import { ChatStoreLockedError } from '../errors/chat-store-locked-error.ts';
import { UNREADABLE_LOCK_GRACE_MS } from '../shared/files/take-lock-file.ts';
import { cleanUp, recordingLogger, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { compileFileStore } from './__fixtures__/compile-file-store.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn } from './history-store.ts';

// Two real processes append to one session of one file at the same time. Without a lock, one of
// them cut what it took for a torn last line while the other was writing it, and acknowledged
// turns were lost. The store now takes a lock file: the second writer fails, typed, and nothing
// acknowledged is lost.

const child = fileURLToPath(new URL('./__fixtures__/append-concurrently.mjs', import.meta.url));
let storeModule: string;

beforeAll(async () => {
  storeModule = await compileFileStore();
}, 60_000);
afterAll(cleanUp);

function startWriter(file: string, name: string, turns: number, keepOpen = false) {
  const args = [child, storeModule, file, name, String(turns), ...(keepOpen ? ['keep-open'] : [])];
  // A writer holds its store open until told to finish: gone with this test process however
  // that ends.
  const writer = startGuarded(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  let onSettled: () => void;
  // What the writer reported: `done` (it holds the store open until told to finish) or `failed`
  // (it exits on its own, so nothing may be written to its stdin: a write racing its exit is an
  // EPIPE that fails the whole test run as an uncaught error).
  let reported: 'done' | 'failed' | undefined;
  // Done writing (and still holding the store open), or failed.
  const settled = new Promise<void>((resolve) => {
    onSettled = resolve;
  });
  writer.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) onReady();
    const outcome = /^(done|failed) /m.exec(stdout)?.[1];
    if (outcome !== undefined && reported === undefined) {
      reported = outcome as 'done' | 'failed';
      onSettled();
    }
  });
  writer.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // 'close', not 'exit': at 'exit' the last `saved` lines may still be unread.
    writer.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const say = (line: string) => {
    if (writer.exitCode === null && writer.stdin?.writable) writer.stdin.write(`${line}\n`);
  };
  return {
    pid: writer.pid,
    ready,
    settled,
    go: () => say('go'),
    finish: () => {
      if (reported === 'done') say('finish');
    },
    exited,
  };
}

type Failure = {
  code: string;
  reason: string;
  lockFile: string;
  holder: { pid: number; hostname: string; startedAt: number };
  message: string;
};

describe('the file store with two writing processes', () => {
  it('never loses an acknowledged turn: the second writer fails with a typed lock error', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const first = startWriter(file, 'a', 25);
    const second = startWriter(file, 'b', 25);
    await Promise.all([first.ready, second.ready]);
    first.go();
    second.go();
    await Promise.all([first.settled, second.settled]);
    first.finish();
    second.finish();
    const outcomes = await Promise.all([first.exited, second.exited]);

    const acknowledged = outcomes.flatMap(({ stdout }) =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('saved '))
        .map((line) => line.replace(/^saved (\w+) (\d+)$/, '$1 question $2')),
    );
    // The winner closed its store: the lock is gone.
    await expect(readFile(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    const reader = createFileHistoryStore({ path: file });
    const stored = (await reader.load('s', { logger: recordingLogger() })).map(
      (turn) => turn.contents[0]?.parts[0]?.text,
    );
    await reader.close();
    for (const turn of acknowledged) expect(stored).toContain(turn);

    const codes = outcomes.map(({ code }) => code).sort();
    expect(codes, JSON.stringify(outcomes.map(({ stderr }) => stderr))).toEqual([0, 2]);
    const [winner, loser] = outcomes[0]?.code === 0 ? [first, second] : [second, first];
    const loserOut = outcomes[outcomes[0]?.code === 0 ? 1 : 0] as { stdout: string };
    const failure = JSON.parse(
      loserOut.stdout.slice(loserOut.stdout.indexOf('{')).trim(),
    ) as Failure;
    expect(loser.pid).toBeDefined();
    expect(failure).toMatchObject({
      code: 'chat-store-locked',
      reason: 'locked',
      lockFile: `${file}.lock`,
      holder: { pid: winner.pid, hostname: hostname() },
    });
    expect(failure.message).toContain(`${file}.lock`);
    expect(failure.message).toContain(`process ${winner.pid} on ${hostname()}`);
    expect(stored).toHaveLength(25);
  }, 60_000);

  it('removes the lock when the writing process exits without closing its store', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const writer = startWriter(file, 'a', 2, true);
    await writer.ready;
    writer.go();
    await writer.settled;
    writer.finish();
    expect((await writer.exited).code).toBe(0);

    await expect(readFile(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 120_000);
});

describe('the file store lock in one process', () => {
  const context = () => ({ logger: recordingLogger() });
  const turn = (text: string): ChatTurn => ({ contents: [{ role: 'user', parts: [{ text }] }] });

  it('refuses a second store object on the same file until the first is closed', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const first = createFileHistoryStore({ path: file });
    await first.append('s', turn('one'), context());
    const second = createFileHistoryStore({ path: file });

    const error = await Promise.resolve(second.load('s', context())).catch((caught) => caught);

    expect(ChatStoreLockedError.isInstance(error)).toBe(true);
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      reason: 'locked',
      operation: 'load',
      sessionId: 's',
      file,
      lockFile: `${file}.lock`,
      holder: { pid: process.pid, hostname: hostname() },
    });
    expect((error as Error).message).toMatch(/another file history store of this process/);
    expect((error as Error).message).toMatch(/share it, or close the other store first/);

    await first.close();
    expect(await second.load('s', context())).toHaveLength(1);
    await second.close();
  });

  it('takes over a lock left by a process that died on this host', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const stale = { pid: dead.pid, hostname: hostname(), startedAt: 1, threadId: 0, token: 'x' };
    await writeFile(`${file}.lock`, JSON.stringify(stale));
    const store = createFileHistoryStore({ path: file });

    await store.append('s', turn('one'), context());

    const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await store.close();
    await expect(readFile(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock of its own pid from an earlier start (a restarted container), of any thread', async () => {
    const directory = await temporaryDirectory();
    const own = { pid: process.pid, hostname: hostname(), token: 'x' };
    // The earlier process's main thread (this test runs in a worker): its start, read from
    // /proc on Linux, is another; and a lock of this very thread id with another start time.
    for (const [name, earlier] of [
      ['other-thread', { ...own, startedAt: 1, threadId: threadId + 1, process: 'boot:1' }],
      ['this-thread', { ...own, startedAt: 1, threadId }],
    ] as const) {
      if (name === 'other-thread' && platform() !== 'linux') continue;
      const file = join(directory, `${name}.jsonl`);
      await writeFile(`${file}.lock`, JSON.stringify(earlier));
      const store = createFileHistoryStore({ path: file });

      expect(await store.load('s', context()), name).toEqual([]);

      const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8')) as { startedAt: number };
      expect(lock.startedAt, name).not.toBe(1);
      await store.close();
    }
  });

  it('refuses a lock held on another host, or one it cannot read, and says how to fix it', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const other = { pid: 4242, hostname: 'other-host', startedAt: 0, threadId: 0, token: 'x' };
    await writeFile(`${file}.lock`, JSON.stringify(other));
    const store = createFileHistoryStore({ path: file });

    const error = await Promise.resolve(store.append('s', turn('one'), context())).catch(
      (caught) => caught,
    );

    expect(ChatStoreLockedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      operation: 'append',
      holder: { pid: 4242, hostname: 'other-host' },
    });
    expect((error as Error).message).toContain(`in use by process 4242 on other-host`);
    expect((error as Error).message).toContain(`delete ${file}.lock`);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });

    await writeFile(`${file}.lock`, 'not a lock');
    const unreadable = await Promise.resolve(store.load('s', context())).catch((caught) => caught);
    expect(unreadable).toMatchObject({ reason: 'locked', holder: undefined });
    expect((unreadable as Error).message).toMatch(
      /cannot be read.*If no process uses the file, delete/,
    );
  });

  it('takes over a lock that holds no lock record once it is older than the grace, and refuses a fresh one', async () => {
    const directory = await temporaryDirectory();
    const past = (Date.now() - UNREADABLE_LOCK_GRACE_MS - 5_000) / 1000;
    // Garbage, a record cut short by a crash, and an empty file (a writer killed between
    // creating and writing it): each blocked every later writer for ever before.
    for (const [name, text] of [
      ['garbage', 'not a lock'],
      ['cut', '{"pid":12,"hostname":"h'],
      ['empty', ''],
    ] as const) {
      const file = join(directory, `${name}.jsonl`);
      await writeFile(`${file}.lock`, text);
      await utimes(`${file}.lock`, past, past);
      const store = createFileHistoryStore({ path: file });

      await store.append('s', turn('one'), context());

      const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8')) as { pid: number };
      expect(lock.pid, name).toBe(process.pid);
      expect(await store.load('s', context()), name).toHaveLength(1);
      await store.close();
      await expect(readFile(`${file}.lock`), name).rejects.toMatchObject({ code: 'ENOENT' });
    }

    // Within the grace the writer may still be writing it: refused, typed, saying when it goes.
    const file = join(directory, 'fresh.jsonl');
    await writeFile(`${file}.lock`, 'not a lock');
    // An hour ahead: however long a loaded machine stalls here, the lock stays within the grace.
    const ahead = Date.now() / 1000 + 3600;
    await utimes(`${file}.lock`, ahead, ahead);
    const store = createFileHistoryStore({ path: file });
    const error = await Promise.resolve(store.append('s', turn('one'), context())).catch(
      (caught) => caught,
    );
    expect(ChatStoreLockedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('taken over once it is 10 seconds old');
    expect(await readFile(`${file}.lock`, 'utf8')).toBe('not a lock');
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('releases one session file of a directory store with release(id)', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    await store.append('a', turn('A'), context());
    await store.append('b', turn('B'), context());

    await store.release('a');

    await expect(readFile(`${store.filePath('a')}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readFile(`${store.filePath('b')}.lock`, 'utf8')).resolves.toContain(
      `"pid":${process.pid}`,
    );
    const other = createFileHistoryStore({ directory });
    expect(await other.load('a', context())).toHaveLength(1);
    await expect(Promise.resolve(other.load('b', context()))).rejects.toMatchObject({
      reason: 'locked',
    });
    await Promise.all([store.close(), other.close()]);
  });
});

describe('closing chat sessions releases the file lock', () => {
  const model = 'gemini-3-flash-preview';
  const lockOf = (store: ReturnType<typeof createFileHistoryStore>, id: string) =>
    readFile(`${store.filePath(id)}.lock`, 'utf8');

  it('chat.close() removes the lock, so another store can continue the conversation', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    const agent = createAgent({ gemini: createScriptedGemini([textTurn('Hello.')]), model });
    const chat = createChatSession({ agent, store, id: 'user-42' });
    await chat.send('Hi');
    await expect(lockOf(store, 'user-42')).resolves.toContain(`"pid":${process.pid}`);

    await chat.close();

    await expect(lockOf(store, 'user-42')).rejects.toMatchObject({ code: 'ENOENT' });
    const next = createFileHistoryStore({ directory: dirname(store.filePath('user-42')) });
    expect(await next.load('user-42', { logger: recordingLogger() })).toHaveLength(1);
    await next.close();
  });

  it('a chat has its own lifecycle: agent.close() leaves it; a send that finds the agent closed fails and releases the lock', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    const gemini = createScriptedGemini([textTurn('One.'), textTurn('Two.')]);
    const agent = createAgent({ gemini, model });
    const first = createChatSession({ agent, store, id: 'a' });
    const second = createChatSession({ agent, store, id: 'b' });
    await first.send('Hi');
    await second.send('Hi');

    // The agent does not know the chats built on it: their locks are theirs to release.
    await agent.close();
    await expect(lockOf(store, 'a')).resolves.toContain(`"pid":${process.pid}`);

    const error = await first.send('Again').catch((caught: unknown) => caught);
    expect(AgentClosedError.isInstance(error)).toBe(true);
    await expect(lockOf(store, 'a')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(gemini.calls).toHaveLength(2);

    await second.close();
    await expect(lockOf(store, 'b')).rejects.toMatchObject({ code: 'ENOENT' });
    await store.close();
  });
});
