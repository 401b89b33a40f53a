import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CAN_SAMPLE_PROCESS_TREES } from '../scripts/process-tree-cpu.ts';
import { taggedProcesses } from '../scripts/run-guarded.ts';

// A test's child process must stop when the Vitest run that started it is killed (a CI step's
// limit, a developer's Ctrl-C, an OOM kill), not only when its test ends: the bundle-size probe,
// started by execFile, outlived a killed run. Here a Vitest run of one file
// (__fixtures__/killed-run) starts a child that sleeps forever, and is killed mid-file; every
// process of that run carries a tag in its environment, so what is left is found in
// /proc/*/environ, as run-guarded.test.ts finds a guarded child's leftovers.

const root = fileURLToPath(new URL('../', import.meta.url));
const fixture = fileURLToPath(new URL('./__fixtures__/killed-run/', import.meta.url));
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const lifeline = fileURLToPath(new URL('../scripts/lifeline.cjs', import.meta.url));

type Tagged = { pid: number; sleeper: boolean };

/** The live processes of the killed run (run-guarded's walk of /proc), and which is the sleeper. */
function tagged(tag: string): Tagged[] {
  return taggedProcesses(tag).flatMap((pid) => {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      // A command that is not node (`sleep`) is marked in its environment, as is its watcher.
      const environment = readFileSync(`/proc/${pid}/environ`, 'latin1');
      const sleeper =
        command.includes('the killed run sleeper') ||
        `\0${environment}`.includes('\0KILLED_RUN_SLEEPER=yes\0');
      return [{ pid, sleeper }];
    } catch {
      return []; // Gone since.
    }
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 100));

/**
 * Polls until `done` holds, or a minute has passed (a hang guard: what is waited for takes
 * milliseconds), and returns what it read last, for the caller to assert on.
 */
async function until<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await tick();
  }
}

/** The parent of `pid`, from /proc/<pid>/stat (after the command's closing parenthesis). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * Starts the fixture run, waits for its sleeper, sends `signal` to Vitest's main process only (as
 * a CI runner or an OOM killer does), and waits for the run's own processes to be gone. Returns
 * what of the run is left then: its sleeper, if it survived. With `of: 'worker'` the fork worker
 * that runs the file is SIGKILLed first (an OOM kill of the worker: no 'exit' handler of it runs,
 * only a lifeline ends what it started), then Vitest.
 */
async function killMidFile(
  tag: string,
  way: 'runGuarded' | 'startGuarded' | 'startGuarded-sh' | 'execFile',
  signal: NodeJS.Signals,
  of: 'vitest' | 'worker' = 'vitest',
) {
  const env: NodeJS.ProcessEnv = {};
  // Not the outer run's own Vitest variables: the inner run is a run of its own.
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
  // The inner run dies with this test's process (lifeline.cjs), whatever ends this one.
  const run = spawn(
    process.execPath,
    ['--require', lifeline, vitestBin, 'run', '--root', fixture, '--config', 'vitest.config.ts'],
    {
      cwd: root,
      env: {
        ...env,
        KILLED_RUN_WAY: way,
        GEMLOOP_LIFELINE_FD: '3',
        [tag.split('=')[0] as string]: tag.split('=')[1],
      },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  run.stdout?.on('data', (chunk) => (output += chunk));
  run.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => run.on('exit', resolve));
  try {
    // Not a minute here: the inner run's start is what takes time at load.
    let sleeper = tagged(tag).find((process) => process.sleeper);
    while (sleeper === undefined && run.exitCode === null) {
      await tick();
      sleeper = tagged(tag).find((process) => process.sleeper);
    }
    expect(sleeper, `the fixture run ended before its child started:\n${output}`).toBeDefined();
    if (of === 'worker') {
      // The sleeper's parent that is not itself part of the sleeper (a command's watcher is).
      const sleepers = tagged(tag).filter((process) => process.sleeper);
      const pids = new Set(sleepers.map(({ pid }) => pid));
      const worker = sleepers.map(({ pid }) => parentOf(pid)).find((pid) => !pids.has(pid));
      expect(worker).toBeDefined();
      process.kill(worker as number, 'SIGKILL');
      await until(
        () => tagged(tag).some(({ pid }) => pid === worker),
        (alive) => !alive,
      );
    }
    run.kill(signal);
    await exited;
    // The run's own processes (its workers) gone, whatever is left of what they started.
    const left = await until(
      () => tagged(tag),
      (processes) => processes.every((process) => process.sleeper),
    );
    expect(
      left.filter((process) => !process.sleeper),
      'a worker outlived Vitest',
    ).toEqual([]);
    return left;
  } finally {
    try {
      if (run.pid !== undefined && run.exitCode === null) process.kill(-run.pid, 'SIGKILL');
    } catch {
      // ESRCH: its group is gone already (what failed above is the error to see).
    }
  }
}

function killAll(tag: string): void {
  for (const { pid } of tagged(tag)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: gone since it was listed.
    }
  }
}

describe.skipIf(!CAN_SAMPLE_PROCESS_TREES)('a Vitest run killed mid-file', () => {
  // A child of runGuarded (it runs to its end) ends by its lifeline once the worker is gone. A
  // long-lived child (a server, a worker, a CPU burner, a FIFO's rescuer) under startGuarded: a
  // node command by its lifeline preload, any other by the shell that watches the lifeline.
  // Killing its worker first proves the lifeline itself: the worker's 'exit' handler, which kills
  // the children's groups when Vitest is killed, never runs.
  it.each([
    ['runGuarded', 'SIGKILL', 'vitest'],
    ['runGuarded', 'SIGTERM', 'vitest'],
    ['startGuarded', 'SIGKILL', 'vitest'],
    ['startGuarded', 'SIGTERM', 'vitest'],
    ['startGuarded', 'SIGKILL', 'worker'],
    ['startGuarded-sh', 'SIGKILL', 'vitest'],
    ['startGuarded-sh', 'SIGKILL', 'worker'],
  ] as const)('leaves no child of %s running (%s to %s)', async (way, signal, of) => {
    const tag = `GEMLOOP_KILLED_RUN=${randomUUID()}`;
    try {
      const left = await killMidFile(tag, way, signal, of);
      const after = await until(
        () => tagged(tag),
        (processes) => processes.length === 0,
      );
      expect(after, `left running: ${JSON.stringify(left)}`).toEqual([]);
    } finally {
      killAll(tag);
    }
  });

  it('finds the child execFile started, which outlives the run (the leak this guards)', async () => {
    const tag = `GEMLOOP_KILLED_RUN=${randomUUID()}`;
    try {
      const left = await killMidFile(tag, 'execFile', 'SIGKILL');
      // Nothing ends it: it sleeps forever, its parent gone.
      expect(left.filter((process) => process.sleeper)).toHaveLength(1);
    } finally {
      killAll(tag);
    }
  });
});
