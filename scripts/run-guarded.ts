import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createHangWatch,
  describeLoad,
  GUARD_DEFAULTS,
  type GuardOptions,
  seconds,
} from './hang-watch.ts';
import { isStillRunning, sampleProcessTree } from './process-tree-cpu.ts';

// The guard's limits live with what applies them (hang-watch.ts); exported here too, where the
// tests have always found them.
export { GUARD_DEFAULTS, type GuardOptions } from './hang-watch.ts';

/**
 * The Vitest limit for a test or hook whose children run under {@link runGuarded}'s defaults:
 * above {@link GUARD_DEFAULTS}' `wallMs`, so a child's guard, with its message, fires first.
 */
export const GUARDED_TEST_LIMIT_MS: number = GUARD_DEFAULTS.wallMs + 10 * 60_000;

/**
 * Environment variables for a TypeScript 7 process (a Go program) that a test runs to its end:
 * no garbage collection until the heap nears 1 GiB (`GOGC=off` with `GOMEMLIMIT`, Go's own pair
 * for this: https://go.dev/doc/gc-guide#Memory_limit), then collections as needed to stay under
 * it. With Go's default (a collection each time the heap doubles) the collector took about a third
 * of a check's CPU, on a heap that only grows until the process ends: the packed zod 4 project's
 * nodenext check, ABAB at load 11-13, 4.75, 5.13 -> 2.93, 3.47 s of CPU, its peak ~600 -> ~735 MB;
 * core's `tsc --listFilesOnly`, three pairs at load 9-11, 1.38, 1.41, 1.36 -> 0.86, 0.88, 0.89 s.
 * The same diagnostics (a planted error, compared byte for byte). Only for a program whose live
 * heap stays well under the bound: one that nears it collects over and over (the whole repository's
 * `tsc -b --force`, peak ~2.4 GB: 141, 137 s of CPU under it against 54, 57 s without). The checks
 * that use it allocate ~735 MB in all. bench/RESULTS.md, test-speed10.
 */
export const TYPESCRIPT_GO_HEAP: Readonly<Record<string, string>> = {
  GOGC: 'off',
  GOMEMLIMIT: '1GiB',
};

/** Options of {@link runGuarded}. */
export type RunGuardedOptions = Partial<GuardOptions> & {
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Output kept per stream; past it the process is killed, as `execFile`'s maxBuffer. */
  maxBuffer?: number | undefined;
  /** Written to its stdin, which then ends (as `execFile`'s `input`); none: stdin is /dev/null. */
  input?: string | undefined;
};

/** What a process that exited 0 printed, and what it cost. */
export type GuardedRun = {
  stdout: string;
  stderr: string;
  /** Its tree's CPU as last sampled (`undefined` without `/proc`). */
  cpuMs: number | undefined;
  wallMs: number;
};

/** Why a guarded process did not succeed. */
export type GuardedFailure =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'idle' | 'cpu' | 'wall' | 'output' | 'spawn' };

/** What a {@link GuardedProcessError} carries. */
export type GuardedProcessFailure = {
  failure: GuardedFailure;
  stdout: string;
  stderr: string;
  /** Its tree's CPU as last sampled (`undefined` without `/proc`). */
  cpuMs: number | undefined;
  wallMs: number;
};

/** A guarded process that failed, was killed by its guard, or could not start. */
export class GuardedProcessError extends Error {
  override name = 'GuardedProcessError';
  readonly failure: GuardedFailure;
  readonly stdout: string;
  readonly stderr: string;
  readonly cpuMs: number | undefined;
  readonly wallMs: number;
  constructor(message: string, data: GuardedProcessFailure, options?: ErrorOptions) {
    super(message, options);
    this.failure = data.failure;
    this.stdout = data.stdout;
    this.stderr = data.stderr;
    this.cpuMs = data.cpuMs;
    this.wallMs = data.wallMs;
  }
}

/** The preload that kills a node child's process group when this process is gone. */
const LIFELINE = fileURLToPath(new URL('./lifeline.cjs', import.meta.url));

/** The process groups of this process's guarded children still running, each with its kill. */
const running = new Set<() => void>();
process.on('exit', () => {
  for (const kill of running) kill();
});

/**
 * Runs a command to its end, as `execFile` does, under a hang guard that tells a hung process from
 * a slow one: it kills the process, and every process it started (its own process group, and any
 * descendant that left the group), when the tree used almost no CPU for `idleMs` (hung), more
 * than `cpuBudgetMs` (a runaway), or ran past `wallMs` (the last resort), and says which, with
 * the CPU used, the wall time and the load. Without `/proc` (not Linux) output is the sign of
 * progress and no budget applies. What a process leaves running when it exits goes too. A node
 * command preloads lifeline.cjs, so its group dies with this process however this one ends.
 *
 * @returns Its output when it exits 0; rejects with {@link GuardedProcessError} otherwise.
 */
export function runGuarded(
  command: string,
  args: readonly string[],
  options: RunGuardedOptions = {},
): Promise<GuardedRun> {
  const { cwd, env, maxBuffer = 32 * 1024 * 1024, input, ...given } = options;
  const guard: GuardOptions = { ...GUARD_DEFAULTS, ...given };
  const lifeline = command === process.execPath;
  const label = [command, ...args].join(' ');
  const started = Date.now();
  // Inherited by every process the child starts (unless one clears its environment): what it
  // left running that no sample saw is found by it once the child has exited.
  const tag = `${GUARD_TAG}=${randomUUID()}`;
  const child = spawn(command, lifeline ? ['--require', LIFELINE, ...args] : [...args], {
    cwd,
    env: {
      ...(env ?? process.env),
      ...(lifeline ? { GEMLOOP_LIFELINE_FD: '3' } : {}),
      [GUARD_TAG]: tag.slice(GUARD_TAG.length + 1),
    },
    stdio: [
      input === undefined ? 'ignore' : 'pipe',
      'pipe',
      'pipe',
      ...(lifeline ? ['pipe' as const] : []),
    ],
    detached: true,
  });
  // A process that exits before it reads all of it gets EPIPE here: its exit code tells.
  child.stdin?.on('error', () => {});
  child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  let killed: GuardedFailure | undefined;
  let why = '';
  // The tree as last sampled (`processes`): what left the group is found from there once the
  // root is gone.
  const watch = createHangWatch(child.pid, guard, started);
  const killTree = (): void => {
    if (child.pid === undefined) return;
    const signal = (target: number, name: NodeJS.Signals) => {
      try {
        process.kill(target, name);
      } catch {
        // ESRCH: gone already.
      }
    };
    // Stopped first, so that nothing in the group forks between the walk and the kill.
    signal(-child.pid, 'SIGSTOP');
    const found = [
      child.pid,
      ...watch
        .processes()
        .filter(isStillRunning)
        .map(({ pid }) => pid),
    ].flatMap((pid) => sampleProcessTree(pid)?.processes ?? []);
    signal(-child.pid, 'SIGKILL');
    for (const leftover of found) if (isStillRunning(leftover)) signal(leftover.pid, 'SIGKILL');
  };
  running.add(killTree);

  const kill = (failure: GuardedFailure, reason: string): void => {
    if (killed !== undefined) return;
    killed = failure;
    why = reason;
    killTree();
  };

  const sample = (): void => {
    const verdict = watch.sample();
    if (verdict !== undefined) kill({ kind: verdict.kind }, verdict.reason);
  };
  const timer = setInterval(sample, guard.sampleMs);
  timer.unref();

  const collect = (chunk: string, to: 'stdout' | 'stderr'): void => {
    watch.output();
    if (to === 'stdout') stdout += chunk;
    else stderr += chunk;
    if (stdout.length > maxBuffer || stderr.length > maxBuffer)
      kill({ kind: 'output' }, `more than ${maxBuffer} characters of output`);
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => collect(chunk, 'stdout'));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => collect(chunk, 'stderr'));
  // Whatever it left running when it exited goes with it, so that 'close' comes: a leftover
  // process holding its stdout would keep it away. One that was never sampled (started less than
  // `sampleMs` before, outside the group) could still hold it: its pipes are closed after a while.
  //
  // A leftover that left the group before any sample saw it (at load 40 the 200 ms sampler of a
  // test did not run in the 1.5 s its parent lived, and the leftover outlived the test) is found
  // by the tag in its environment, when 'close' has not come soon after the exit: a scan of
  // /proc costs ~10-30 ms, paid only then.
  let closed = false;
  child.on('close', () => {
    closed = true;
  });
  child.on('exit', () => {
    clearInterval(timer);
    killTree();
    running.delete(killTree);
    setTimeout(() => {
      if (!closed) for (const pid of taggedProcesses(tag)) signalQuietly(pid, 'SIGKILL');
    }, 500).unref();
    setTimeout(() => {
      for (const stream of child.stdio) stream?.destroy();
    }, 10_000).unref();
  });

  return new Promise((resolve, reject) => {
    const fail = (failure: GuardedFailure, message: string, cause?: unknown) => {
      const wallMs = Date.now() - started;
      const cpuMs = watch.cpuMs();
      const cpu = cpuMs === undefined ? 'CPU unknown' : `${seconds(cpuMs)} of CPU`;
      const tail = (text: string) => (text.length > 8_000 ? `…${text.slice(-8_000)}` : text);
      reject(
        new GuardedProcessError(
          `${label} (in ${cwd ?? process.cwd()}) ${message}; ${cpu} in ${seconds(wallMs)} of wall time, ${describeLoad()}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`,
          { failure, stdout, stderr, cpuMs, wallMs },
          cause === undefined ? undefined : { cause },
        ),
      );
    };
    child.on('error', (error) => {
      clearInterval(timer);
      running.delete(killTree);
      fail({ kind: 'spawn' }, `could not start: ${error.message}`, error);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (killed !== undefined) {
        fail(killed, `was killed by its hang guard, ${why}`);
      } else if (code !== 0) {
        fail({ kind: 'exit', code, signal }, `failed (exit ${code ?? signal})`);
      } else {
        resolve({ stdout, stderr, cpuMs: watch.cpuMs(), wallMs: Date.now() - started });
      }
    });
  });
}

/** The environment variable that tags a guarded child and every process it starts. */
const GUARD_TAG = 'GEMLOOP_GUARDED_RUN';

/**
 * The live processes (not this one, not zombies: a zombie holds nothing and cannot be killed)
 * whose environment holds `tag` (`NAME=value`); none without /proc. Also how
 * test/killed-vitest-run.test.ts finds what a killed run left.
 */
export function taggedProcesses(tag: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  const needle = `\0${tag}\0`;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!`\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat[stat.lastIndexOf(')') + 2] !== 'Z') found.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return found;
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone already.
  }
}
