import { availableParallelism, loadavg } from 'node:os';
import {
  CAN_SAMPLE_PROCESS_TREES,
  type ProcessTreeSample,
  sampleProcessTree,
  type TreeProcess,
} from './process-tree-cpu.ts';

/**
 * The hang guard of a test's child process: what kills it, and what does not. A wall-clock limit
 * fired on processes that were working, only slowly: at load 37-47 on two cores `exec`'s 300 s
 * killed TypeScript 5.5's check after 14-16 s of CPU, and TypeDoc's 170 s fired at load 40+
 * (bench/RESULTS.md, test-speed-rest3 and test-speed-procs2). A starved process still gets CPU; a
 * hung one does not, and a runaway gets too much.
 */
export type GuardOptions = {
  /**
   * Killed as hung when its process tree used less than {@link idleCpuMs} of CPU in this long
   * and waited for a core (on a run queue) less than half of it. At load 47 on two cores a
   * runnable process still gets ~4 % of a core, 2.5 s a minute, but at load 36 a worker's start
   * got 0.0 s in 1.9 s: a starved process waits for a core most of the time, a hung (asleep) one
   * only for its rare wake-ups, a few ms each (counting every wait as wanted CPU, as this guard
   * first did, let a hung worker's wake-ups at load 36 hold it for its test's 5 minutes).
   */
  idleMs: number;
  /** See {@link idleMs}: 250 ms a minute is 0.4 % of a core. */
  idleCpuMs: number;
  /**
   * Killed as a runaway past this much CPU (its tree's user + system). The largest child of the
   * test files is ~16 s (TypeScript 5.5's check, attw, TypeDoc: bench/RESULTS.md).
   */
  cpuBudgetMs: number;
  /**
   * The last resort, for a process that neither idles nor runs away (a slow poll forever): above
   * what any child needs at load 100. Vitest's limit of a test that uses this is above it.
   */
  wallMs: number;
  /**
   * How often the tree is sampled: 0.7 ms a sample for a node process of 11 threads, 3.6 ms for a
   * tree of 11 processes with Chromium's (load 30).
   */
  sampleMs: number;
};

/** The defaults of {@link GuardOptions}. */
export const GUARD_DEFAULTS: Readonly<GuardOptions> = {
  idleMs: 60_000,
  idleCpuMs: 250,
  cpuBudgetMs: 300_000,
  wallMs: 20 * 60_000,
  sampleMs: 2_000,
};

/** Why a {@link HangWatch} fired: the kind of {@link GuardOptions} limit, and what it saw. */
export type HangVerdict = { kind: 'idle' | 'cpu' | 'wall'; reason: string };

/** The hang guard's view of a process tree, sampled by its owner (see {@link createHangWatch}). */
export type HangWatch = {
  /** Samples the tree now; a verdict when one of the guard's limits is passed. */
  sample(): HangVerdict | undefined;
  /** The process printed something: the sign of progress where there is no /proc to read. */
  output(): void;
  /** The tree's CPU as last sampled (`undefined` without /proc). */
  cpuMs(): number | undefined;
  /** The tree's processes as last sampled (what left the group is found from here). */
  processes(): readonly TreeProcess[];
};

/**
 * What tells a hung process from a slow one, apart from what runs it: the CPU its tree (`pid` and
 * every process below it) used, and waited for on a run queue, sampled each time its owner asks.
 * Hung: less than `idleCpuMs` of CPU in `idleMs` and less than half of it waiting (no output for `idleMs` without /proc); a runaway: more than `cpuBudgetMs`; past
 * `wallMs`, the last resort. {@link runGuarded} (run-guarded.ts) watches a command it runs to its
 * end; a test fixture watches a long-lived child's start the same way (packages/dbos's
 * `startWorker`: a wall clock declared a worker starting at load 60 hung).
 */
export function createHangWatch(
  pid: number | undefined,
  guard: GuardOptions,
  started: number = Date.now(),
  sample: (pid: number) => ProcessTreeSample | undefined = sampleProcessTree,
): HangWatch {
  let cpuMs: number | undefined = CAN_SAMPLE_PROCESS_TREES ? 0 : undefined;
  let lastTotal = 0;
  // The run-queue wait, counted as the CPU is: what a starved tree asked for and did not get.
  let waitMs = 0;
  let lastWait = 0;
  let lastOutput = started;
  let seen: TreeProcess[] = [];
  const window: { at: number; cpuMs: number; waitMs: number }[] = [
    { at: started, cpuMs: 0, waitMs: 0 },
  ];
  return {
    sample() {
      const now = Date.now();
      const wall = now - started;
      const tree = pid === undefined ? undefined : sample(pid);
      if (tree !== undefined) seen = tree.processes;
      if (tree !== undefined && cpuMs !== undefined) {
        // Only increases count: a process re-parented out of the tree takes its time when it ends.
        cpuMs += Math.max(0, tree.cpuMs - lastTotal);
        lastTotal = tree.cpuMs;
        // A thread that ended takes its wait with it: only increases count, as above.
        waitMs += Math.max(0, tree.waitMs - lastWait);
        lastWait = tree.waitMs;
      }
      window.push({ at: now, cpuMs: cpuMs ?? 0, waitMs });
      while (window.length > 1 && (window[1] as { at: number }).at <= now - guard.idleMs)
        window.shift();
      const oldest = window[0] as { at: number; cpuMs: number; waitMs: number };
      const processes = `${tree?.processes.length ?? 0} process(es)`;
      if (cpuMs !== undefined && cpuMs > guard.cpuBudgetMs) {
        return {
          kind: 'cpu',
          reason: `a runaway: its ${processes} used more than the ${seconds(guard.cpuBudgetMs)} of CPU it may`,
        };
      }
      // Starved is not hung: a tree that waited for a core half the window wanted to run.
      if (
        cpuMs !== undefined &&
        oldest.at <= now - guard.idleMs &&
        cpuMs - oldest.cpuMs < guard.idleCpuMs &&
        waitMs - oldest.waitMs < guard.idleMs / 2
      ) {
        return {
          kind: 'idle',
          reason: `no progress: its ${processes} used ${seconds(cpuMs - oldest.cpuMs)} of CPU in the last ${seconds(guard.idleMs)} (less than ${seconds(guard.idleCpuMs)} is hung) and waited ${seconds(waitMs - oldest.waitMs)} for a core (less than half of it)`,
        };
      }
      if (cpuMs === undefined && now - lastOutput >= guard.idleMs) {
        return {
          kind: 'idle',
          reason: `no progress: no output for ${seconds(guard.idleMs)} (no /proc here to read its CPU)`,
        };
      }
      if (wall >= guard.wallMs) {
        return {
          kind: 'wall',
          reason: `still running after its last-resort ${seconds(guard.wallMs)}, though not idle`,
        };
      }
      return undefined;
    },
    output() {
      lastOutput = Date.now();
    },
    cpuMs: () => cpuMs,
    processes: () => seen,
  };
}

/** `ms` as seconds, one decimal. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The machine's load, as a guard's message says it. */
export function describeLoad(): string {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return `load average ${one.toFixed(1)} ${five.toFixed(1)} ${fifteen.toFixed(1)} on ${availableParallelism()} cores`;
}
