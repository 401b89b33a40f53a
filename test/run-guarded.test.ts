import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAN_SAMPLE_PROCESS_TREES } from '../scripts/process-tree-cpu.ts';
import { GuardedProcessError, runGuarded } from '../scripts/run-guarded.ts';

// The hang guard of the tests' child processes (scripts/run-guarded.ts): a hung tree and a
// runaway tree are killed with a message that says which, and nothing of either is left; a
// process that keeps using CPU is not killed, however long it takes.

/** Whether a process is still there and not a zombie (killed, waiting for init to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A node script that starts a tree below itself and prints its pids as one JSON line: a child in
 * its process group and a grandchild that left the group (`detached`, its own session), each
 * running `work` too; then runs `work` itself.
 */
function plantTree(work: string): string {
  const grandchild = `${work}`;
  const child = `
    const { spawn } = require('node:child_process');
    const grandchild = spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { detached: true, stdio: 'ignore' });
    process.stdout.write(JSON.stringify({ child: process.pid, grandchild: grandchild.pid }) + '\\n');
    ${work}`;
  return `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', (line) => {
      process.stdout.write(JSON.stringify({ root: process.pid, ...JSON.parse(String(line)) }) + '\\n');
      ${work}
    });`;
}

const SLEEP_FOREVER = 'setInterval(() => {}, 1 << 30);';
const SPIN_FOREVER = 'for (;;) {}';

async function killedBy(script: string, options: Parameters<typeof runGuarded>[2]) {
  const error = await runGuarded(process.execPath, ['-e', script], options).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(GuardedProcessError);
  const failure = error as GuardedProcessError;
  const pids = Object.values(JSON.parse(failure.stdout.trim().split('\n')[0] ?? '{}')) as number[];
  expect(pids).toHaveLength(3);
  return { failure, pids };
}

describe.skipIf(!CAN_SAMPLE_PROCESS_TREES)('runGuarded, where /proc shows the process tree', () => {
  it('kills a tree that sleeps forever as hung, and leaves none of it', async () => {
    const { failure, pids } = await killedBy(plantTree(SLEEP_FOREVER), {
      idleMs: 2_000,
      idleCpuMs: 50,
      sampleMs: 200,
    });
    expect(failure.failure).toEqual({ kind: 'idle' });
    expect(failure.message).toMatch(
      /was killed by its hang guard, no progress: its 3 process\(es\) used \d+\.\d s of CPU in the last 2\.0 s/,
    );
    expect(failure.message).toMatch(
      /s of CPU in \d+\.\d s of wall time, load average [\d.]+ [\d.]+ [\d.]+ on \d+ cores/,
    );
    await expect.poll(() => pids.filter(alive), { timeout: 10_000 }).toEqual([]);
  });

  it('kills a tree that spins forever as a runaway, and leaves none of it', async () => {
    // The budget is spent by the spinning alone, as it must be for the kill to be the runaway's:
    // the three processes had used 160-200 ms of CPU (their starts) when the root printed their
    // pids (eight trees at load 43). Every millisecond past that is the planted runaway's burn,
    // paid each run: 0.6 s and a 100 ms sample, not 1.5 s and 200 ms (~0.9 s of CPU less).
    const { failure, pids } = await killedBy(plantTree(SPIN_FOREVER), {
      cpuBudgetMs: 600,
      sampleMs: 100,
    });
    expect(failure.failure).toEqual({ kind: 'cpu' });
    expect(failure.message).toMatch(
      /was killed by its hang guard, a runaway: its 3 process\(es\) used more than the 0\.6 s of CPU it may/,
    );
    expect(failure.cpuMs).toBeGreaterThan(600);
    await expect.poll(() => pids.filter(alive), { timeout: 10_000 }).toEqual([]);
  });

  it('kills what a process left running when it exits', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const left = spawn(process.execPath, ['-e', ${JSON.stringify(SLEEP_FOREVER)}], { stdio: 'ignore' });
      console.log(left.pid);
      left.unref();`;
    const { stdout } = await runGuarded(process.execPath, ['-e', script]);
    await expect.poll(() => alive(Number(stdout.trim())), { timeout: 10_000 }).toBe(false);
  });

  it('ends when a process exits though what it left outside its group holds its output', async () => {
    // Without the kill of the sampled tree, 'close' never came: the leftover held the stdout pipe.
    const script = `
      const { spawn } = require('node:child_process');
      const left = spawn(process.execPath, ['-e', ${JSON.stringify(SLEEP_FOREVER)}], {
        detached: true,
        stdio: ['ignore', 'inherit', 'ignore'],
      });
      console.log(left.pid);
      left.unref();
      setTimeout(() => {}, 1_500);`;
    const { stdout } = await runGuarded(process.execPath, ['-e', script], { sampleMs: 200 });
    // The pipe closes in the kernel's exit of the killed leftover before that task is a zombie
    // (`exit_files` comes before `exit_notify`): at load, /proc can still show it running for a
    // moment after 'close' (a fresh clone's CI saw it), so its end is awaited, as above.
    await expect.poll(() => alive(Number(stdout.trim())), { timeout: 10_000 }).toBe(false);
  });

  it('kills a leftover outside its group that no sample saw, found by the tag it inherited', async () => {
    // No sample runs while the parent lives (sampleMs a minute): as at load 40, where the test
    // above's 200 ms sampler did not run in its parent's 1.5 s and the leftover outlived the test.
    const script = `
      const { spawn } = require('node:child_process');
      const left = spawn(process.execPath, ['-e', ${JSON.stringify(SLEEP_FOREVER)}], {
        detached: true,
        stdio: ['ignore', 'inherit', 'ignore'],
      });
      console.log(left.pid);
      left.unref();`;
    const { stdout } = await runGuarded(process.execPath, ['-e', script], { sampleMs: 60_000 });
    await expect.poll(() => alive(Number(stdout.trim())), { timeout: 10_000 }).toBe(false);
  });

  it('lets a process that keeps using CPU run past the idle window, and counts its CPU', async () => {
    // 4 ms of CPU then a 46 ms sleep, for 5 s of wall (two and a half 2 s windows): ~0.4 s of CPU
    // on a quiet machine, ~160 ms in each window, above the 20 ms that count as hung. At load 40
    // on two cores it gets ~5 % of a core (~100 ms a window, as the old fixed 1.2 s of work did,
    // which ran ~25 s there and ended inside one window on a quiet machine: this one is always past
    // two). It prints the CPU it used itself, which the guard's samples must have counted.
    const script = `
      let x = 0;
      const started = Date.now();
      const step = () => {
        const from = process.cpuUsage();
        while (process.cpuUsage(from).user + process.cpuUsage(from).system < 4_000) {
          for (let i = 0; i < 1e4; i++) x = (x * 31 + i) % 1000003;
        }
        if (Date.now() - started < 5_000) setTimeout(step, 46);
        else {
          const used = process.cpuUsage();
          console.log('done', x >= 0, Math.round((used.user + used.system) / 1000));
        }
      };
      step();`;
    const run = await runGuarded(process.execPath, ['-e', script], {
      idleMs: 2_000,
      idleCpuMs: 20,
      sampleMs: 200,
    });
    const [done, worked, ownCpuMs] = run.stdout.trim().split(' ');
    expect([done, worked]).toEqual(['done', 'true']);
    expect(run.wallMs).toBeGreaterThan(5_000);
    // The samples miss at most what it used after the last one (200 ms of a 4-in-50 duty).
    expect(run.cpuMs).toBeGreaterThanOrEqual(Number(ownCpuMs) / 2);
  });
});

describe('runGuarded, everywhere', () => {
  it('reports a failed exit with its code and output', async () => {
    const error = await runGuarded(process.execPath, [
      '-e',
      'console.log("out"); console.error("err"); process.exit(3)',
    ]).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(GuardedProcessError);
    expect((error as GuardedProcessError).failure).toEqual({ kind: 'exit', code: 3, signal: null });
    expect((error as GuardedProcessError).message).toMatch(
      /failed \(exit 3\); .* load average [\s\S]*--- stdout ---\nout\n\n--- stderr ---\nerr\n/,
    );
  });

  it('names a command that cannot start', async () => {
    const error = await runGuarded('gemloop-no-such-command', []).catch(
      (failure: unknown) => failure,
    );
    expect((error as GuardedProcessError).failure).toEqual({ kind: 'spawn' });
    expect((error as GuardedProcessError).message).toContain(
      'could not start: spawn gemloop-no-such-command ENOENT',
    );
  });
});
