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
    const error = await startWorker({ START_WORK: 'hang' }, script, {
      guard: { idleMs: 2_000, idleCpuMs: 100, sampleMs: 200 },
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
