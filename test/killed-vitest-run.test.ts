import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CAN_SAMPLE_PROCESS_TREES } from '../scripts/process-tree-cpu.ts';
import { taggedProcesses } from '../scripts/run-guarded.ts';

// A test's child process must stop when the Vitest run that started it is killed (a CI step's
// limit, a developer's Ctrl-C, an OOM kill), not only when its test ends: the bundle-size probe,
// started by execFile, outlived a killed run. Here a Vitest run of one file
// (__fixtures__/killed-run) starts children that sleep forever, one for each way a kill applies
// to, and is killed mid-file; every process of that run carries a tag in its environment, so what
// is left is found in /proc/*/environ, as run-guarded.test.ts finds a guarded child's leftovers.

const root = fileURLToPath(new URL('../', import.meta.url));
const fixture = fileURLToPath(new URL('./__fixtures__/killed-run/', import.meta.url));
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const lifeline = fileURLToPath(new URL('../scripts/lifeline.cjs', import.meta.url));

type Way = 'runGuarded' | 'startGuarded' | 'startGuarded-sh' | 'execFile';
/** A live process of the killed run; `way`: the way of the sleeper it is part of, if it is. */
type Tagged = { pid: number; way: Way | undefined };

/** The live processes of the killed run (run-guarded's walk of /proc), and whose sleeper each is. */
function tagged(tag: string): Tagged[] {
  return taggedProcesses(tag).flatMap((pid) => {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      // A command that is not node (`sleep`) is marked in its environment, as is its watcher.
      const environment = readFileSync(`/proc/${pid}/environ`, 'latin1');
      const way =
        /the killed run sleeper: ([\w-]+)/.exec(command)?.[1] ??
        /\0KILLED_RUN_SLEEPER=([^\0]+)\0/.exec(`\0${environment}`)?.[1];
      return [{ pid, way: way as Way | undefined }];
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
 * Starts the fixture run with a sleeper for each of `ways`, waits for them all, sends `signal` to
 * Vitest's main process only (as a CI runner or an OOM killer does), and waits for the run's own
 * processes to be gone. Returns what of the run is left then: the sleepers that survived. With
 * `of: 'worker'` the fork worker that runs the file is SIGKILLed first (an OOM kill of the worker:
 * no 'exit' handler of it runs, only a lifeline ends what it started), then Vitest. Each way's
 * child is a process group of its own (detached) with a lifeline of its own, so one run serves
 * every way the same kill applies to: each test reads its own way's sleeper.
 */
async function killMidFile(
  tag: string,
  ways: readonly Way[],
  signal: NodeJS.Signals,
  of: 'vitest' | 'worker',
): Promise<Tagged[]> {
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
        KILLED_RUN_WAYS: ways.join(','),
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
  const started = () => new Set(tagged(tag).flatMap(({ way }) => (way === undefined ? [] : [way])));
  try {
    // Not a minute here: the inner run's start is what takes time at load.
    while (!ways.every((way) => started().has(way)) && run.exitCode === null) await tick();
    expect(
      [...started()].sort(),
      `the fixture run ended before its children started:\n${output}`,
    ).toEqual([...ways].sort());
    if (of === 'worker') {
      // A sleeper's parent that is not itself part of a sleeper (a command's watcher is).
      const sleepers = tagged(tag).filter(({ way }) => way !== undefined);
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
      (processes) => processes.every(({ way }) => way !== undefined),
    );
    expect(
      left.filter(({ way }) => way === undefined),
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

/** One killed run: its tag (to find its processes) and what was left of it when its workers were gone. */
type KilledRun = { tag: string; left: Tagged[] };

/**
 * The kills, each started by the first test that reads it and shared by the tests of its ways (a
 * test run alone with `-t` starts its own); every process of each is killed after the file.
 */
const kills = new Map<string, Promise<KilledRun>>();
function killed(ways: readonly Way[], signal: NodeJS.Signals, of: 'vitest' | 'worker') {
  const key = `${signal} to ${of}`;
  let kill = kills.get(key);
  if (kill === undefined) {
    const tag = `GEMLOOP_KILLED_RUN=${randomUUID()}`;
    kill = killMidFile(tag, ways, signal, of).then((left) => ({ tag, left }));
    kills.set(key, kill);
  }
  return kill;
}

afterAll(async () => {
  for (const kill of kills.values()) {
    const run = await kill.catch(() => undefined);
    if (run !== undefined) killAll(run.tag);
  }
});

describe.skipIf(!CAN_SAMPLE_PROCESS_TREES)('a Vitest run killed mid-file', () => {
  // A child of runGuarded (it runs to its end) ends by its lifeline once the worker is gone. A
  // long-lived child (a server, a worker, a CPU burner, a FIFO's rescuer) under startGuarded: a
  // node command by its lifeline preload, any other by the shell that watches the lifeline.
  // Killing its worker first proves the lifeline itself: the worker's 'exit' handler, which kills
  // the children's groups when Vitest is killed, never runs. Three runs, one a kill: each test
  // waits for its own way's sleeper alone to be gone (execFile's stays, in the first run).
  const KILLS = [
    {
      signal: 'SIGKILL',
      of: 'vitest',
      ways: ['runGuarded', 'startGuarded', 'startGuarded-sh', 'execFile'],
    },
    { signal: 'SIGTERM', of: 'vitest', ways: ['runGuarded', 'startGuarded'] },
    { signal: 'SIGKILL', of: 'worker', ways: ['startGuarded', 'startGuarded-sh'] },
  ] as const;
  const guarded = KILLS.flatMap(({ signal, of, ways }) =>
    ways.flatMap((way) => (way === 'execFile' ? [] : [[way, signal, of, ways] as const])),
  );

  it.each(guarded)('leaves no child of %s running (%s to %s)', async (way, signal, of, ways) => {
    const { tag } = await killed(ways, signal, of);
    const after = await until(
      () => tagged(tag).filter((process) => process.way === way),
      (processes) => processes.length === 0,
    );
    expect(after, `left running of ${way}`).toEqual([]);
  });

  it('finds the child execFile started, which outlives the run (the leak this guards)', async () => {
    const { signal, of, ways } = KILLS[0];
    const { left } = await killed(ways, signal, of);
    // Nothing ends it: it sleeps forever, its parent gone.
    expect(left.filter((process) => process.way === 'execFile')).toHaveLength(1);
  });
});
