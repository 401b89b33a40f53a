import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { settles } from '@gemloop/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { MemoryError } from './memory-error.ts';

// Stores on one memory file take `<file>.lock` for each change. Two stores on one path in one
// process each queued only their own changes, and a change's rename dropped what the other wrote
// since its read. Two processes: create-file-memory-store.processes.test.ts.

let folder = '';
let path = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-lock-'));
  path = join(folder, 'memories.jsonl');
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const memory = (text: string, id?: string) => ({
  kind: 'fact' as const,
  text,
  embedding: [1, text.length],
  ...(id === undefined ? {} : { id }),
});
const lock = (fields: Record<string, unknown>) =>
  `${JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: Math.round(performance.timeOrigin), threadId, token: 'planted', ...fields })}\n`;
const aged = async (file: string) => {
  const past = new Date(Date.now() - 60_000);
  await utimes(file, past, past);
};

async function failure(run: () => Promise<unknown>): Promise<MemoryError> {
  try {
    await run();
  } catch (error) {
    if (MemoryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a MemoryError');
}

describe('createFileMemoryStore: stores on one path', () => {
  it('two stores of one process, many adds and deletes at once: nothing lost, nothing undone, each id once', async () => {
    const stores = [createFileMemoryStore({ path }), createFileMemoryStore({ path })];
    const ids = Array.from({ length: 40 }, (_, n) => `m${n}`);
    await Promise.all(ids.map((id, n) => stores[n % 2]?.add(`u${n % 3}`, memory(`fact ${n}`, id))));
    const deleted = await Promise.all(
      ids.map((id, n) => (n % 4 === 0 ? stores[(n + 1) % 2]?.delete(`u${n % 3}`, id) : true)),
    );
    expect(deleted.every((value) => value === true)).toBe(true);
    const listed = (
      await Promise.all(['u0', 'u1', 'u2'].map((scope) => stores[0]?.list(scope) ?? []))
    ).flat();
    expect(listed.map(({ id }) => id).sort()).toEqual(ids.filter((_, n) => n % 4 !== 0).sort());
    expect(await readdir(folder)).toEqual(['memories.jsonl']);
  });

  it('takes over the lock of a process of this host that is gone, and of an earlier process with this pid', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    for (const planted of [
      lock({ pid: gone }),
      lock({ startedAt: Math.round(performance.timeOrigin) - 3_600_000 }),
    ]) {
      await writeFile(`${path}.lock`, planted);
      const store = createFileMemoryStore({ path, lockWaitMs: 0 });
      await store.add('ana', memory(`taken over ${planted.length}`));
      expect(await readdir(folder)).toEqual(['memories.jsonl']);
    }
    expect(await createFileMemoryStore({ path }).list('ana')).toHaveLength(2);
  });

  it("waits for a live holder's lock (another host's, a running process's, a fresh one with no record) and then fails, typed, naming it; reads go on", async () => {
    await createFileMemoryStore({ path }).add('ana', memory('Ana likes tea.', 'm1'));
    const before = await readFile(path, 'utf8');
    for (const [planted, holder] of [
      [lock({ hostname: 'other-host', pid: 4242 }), /process 4242 on "other-host"/],
      [lock({ pid: process.ppid }), new RegExp(`process ${process.ppid} on`)],
      ['', /a writer that left no record/],
    ] as const) {
      await writeFile(`${path}.lock`, planted);
      const store = createFileMemoryStore({ path, lockWaitMs: 30 });
      const error = await failure(() => store.delete('ana', 'm1'));
      expect(error.operation).toBe('delete');
      expect(error.message).toMatch(holder);
      expect(error.message).toContain(`${path}.lock`);
      expect(await readFile(path, 'utf8')).toBe(before);
      expect((await store.list('ana')).map(({ id }) => id)).toEqual(['m1']);
      expect(await readFile(`${path}.lock`, 'utf8')).toBe(planted);
    }
  });

  it('takes over a lock file with no record once it is old, reading no more than a KiB of a planted large one', async () => {
    for (const planted of ['', 'x'.repeat(2_000_000), '{"pid":"1"}']) {
      await writeFile(`${path}.lock`, planted);
      await aged(`${path}.lock`);
      await createFileMemoryStore({ path, lockWaitMs: 0 }).add('ana', memory('Ana likes tea.'));
      expect(await readdir(folder)).toEqual(['memories.jsonl']);
    }
    expect(await createFileMemoryStore({ path }).list('ana')).toHaveLength(3);
  });

  it('releases the lock when a change fails (a file it refuses), so the next change goes on', async () => {
    await writeFile(path, '{not json\n');
    const store = createFileMemoryStore({ path, lockWaitMs: 0 });
    await expect(store.add('ana', memory('Ana likes tea.'))).rejects.toThrow(/line 1 has not JSON/);
    expect(await readdir(folder)).toEqual(['memories.jsonl']);
    await writeFile(path, '');
    await store.add('ana', memory('Ana likes tea.'));
    expect(await store.list('ana')).toHaveLength(1);
  });

  it('refuses a lock path that is no regular file (a FIFO planted there) instead of blocking on it', async () => {
    const fifo = `${path}.lock`;
    execFileSync('mkfifo', [fifo]);
    let error: MemoryError;
    try {
      error = await settles(
        failure(() => createFileMemoryStore({ path }).add('ana', memory('Ana likes tea.'))),
        'add',
      );
    } finally {
      // The rescuer: a blocked open of the FIFO (the bug) gets its writer and ends.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
    }
    expect(error.operation).toBe('add');
    expect(error.message).toMatch(/lock file .* is not a regular file/);
  });

  it('refuses a lockWaitMs that is no number of milliseconds', () => {
    for (const lockWaitMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createFileMemoryStore({ path, lockWaitMs })).toThrow(/lockWaitMs/);
    }
  });
});
