import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker, stopWorker, type WorkerProcess } from './fleet.ts';

// startWorker's limit on a start is a hang guard, not a wall clock (leftovers67): 180 s of wall
// time declared a worker starting at load 60 hung while it worked. It is the guard runGuarded
// applies (scripts/hang-watch.ts): a start whose process used almost no CPU for `idleMs` is hung
// and killed, with what it used and the load; one that works goes on however long it takes.

const script = new URL('./start-guard-worker.ts', import.meta.url).pathname;
const started: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((worker) => stopWorker(worker, 'SIGKILL')));
});

describe('startWorker’s hang guard', () => {
  it('kills a worker that never starts and uses no CPU, saying so', async () => {
    // Hung is less than 20 ms of CPU in 5 s. The hung worker's start costs ~170 ms of CPU, then
    // it uses none (/proc, unloaded). At load 17 a start got 0.1 s in 2 s: with the 100 ms in 2 s
    // this test had, the guard killed it mid-start, before its first line (flake55).
    const error = await startWorker({ START_WORK: 'hang' }, script, {
      guard: { idleMs: 5_000, idleCpuMs: 20, sampleMs: 200 },
    }).then(
      (worker) => {
        started.push(worker);
        throw new Error('the hung worker was taken as started');
      },
      (rejected: unknown) => rejected as Error,
    );
    expect(error.message).toMatch(/^worker did not start, killed by its hang guard, no progress/);
    expect(error.message).toMatch(/of CPU in [\d.]+ s of wall time, load average/);
    // What it printed, for the failure's reader.
    expect(error.message).toContain('starting');
  });

  it('says what the worker printed though its guard fires before this process read it', async () => {
    // What a loaded machine does (a dbos run at load 23 lost the line): this process is not
    // scheduled while the worker prints `starting` and idles, and when it runs again its guard's
    // timer comes before the read of the pipe. Made certain here: this process blocks, without
    // reading, until the worker has printed and the idle window is over. Any CPU counts as idle
    // (idleCpuMs far above what a start uses): the verdict comes at its first sample.
    const marker = join(mkdtempSync(join(tmpdir(), 'gemloop-start-guard-')), 'printed');
    const idleMs = 500;
    const begun = Date.now();
    const starting = startWorker({ START_WORK: 'hang', START_MARKER: marker }, script, {
      guard: { idleMs, idleCpuMs: 60_000, sampleMs: 100 },
    });
    blockUntil(() => existsSync(marker) && Date.now() - begun > idleMs * 2);
    const error = await starting.then(
      (worker) => {
        started.push(worker);
        throw new Error('the hung worker was taken as started');
      },
      (rejected: unknown) => rejected as Error,
    );
    expect(error.message).toMatch(/^worker did not start, killed by its hang guard, no progress/);
    expect(error.message).toMatch(/:\nstarting\n$/);
  });

  it('kills a DBOS worker whose first Postgres connect is never answered, saying so', async () => {
    // The fixture workers' first connect has no wall-clock limit (connectTimeoutMs: 0): what
    // ends a start that waits on a silent server is this guard. A server that accepts and never
    // answers, as a dropped connection would. The worker is new-errors-worker, one of the fixture
    // workers started from a bundle (scripts/fixture-bundle-setup.ts): its imports cost about half
    // the CPU of an unbundled worker's before it connects (bench/RESULTS.md, speed-dbos1).
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const error = await startWorker(
        {
          DATABASE_URL: `postgres://gemloop:never@127.0.0.1:${port}/silent`,
          FAKE_URL: 'http://127.0.0.1:9',
          FOREIGN_URL: 'http://127.0.0.1:9',
          EXECUTOR_ID: 'silent-postgres',
        },
        new URL('./new-errors-worker.ts', import.meta.url).pathname,
        { guard: { idleMs: 5_000, idleCpuMs: 20, sampleMs: 200 } },
      ).then(
        (worker) => {
          started.push(worker);
          throw new Error('the worker was taken as started without Postgres');
        },
        (rejected: unknown) => rejected as Error,
      );
      expect(error.message).toMatch(/^worker did not start, killed by its hang guard, no progress/);
      expect(held.length).toBeGreaterThan(0);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('waits for a worker that works past the idle limit before it is ready', async () => {
    // 1.5 s of its own CPU, past the 1 s window a hung start is judged on, and longer in wall
    // time the more loaded the machine: a start that works is never cut short. 5 ms of CPU a
    // second is what a runnable process far exceeds even at load 60 on two cores (~33 ms).
    const worker = await startWorker({ START_WORK: '1500' }, script, {
      guard: { idleMs: 1_000, idleCpuMs: 5, sampleMs: 100 },
    });
    started.push(worker);
    expect(worker.executorId).toBe('slow-start');
  });
});

/**
 * Blocks this thread, reading nothing, until `done` holds (checked every 20 ms); a hang guard of
 * 5 minutes (a worker that never prints) throws instead.
 */
function blockUntil(done: () => boolean): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const giveUp = Date.now() + 5 * 60_000;
  while (!done()) {
    if (Date.now() > giveUp) throw new Error('the worker did not print `starting` in 5 minutes');
    Atomics.wait(sleeper, 0, 0, 20);
  }
}
