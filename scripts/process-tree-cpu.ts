import { readdirSync, readFileSync } from 'node:fs';

/**
 * The unit of `/proc/<pid>/stat`'s times: USER_HZ, 100 on every Linux build (the kernel's ABI,
 * `sysconf(_SC_CLK_TCK)`, whatever its internal HZ).
 */
const MS_PER_TICK = 10;

/** A process tree at one moment: its live processes and the CPU they account for. */
export type ProcessTreeSample = {
  /**
   * The root and every live process below it (parent links, through each thread's children),
   * each with its start time, which tells it from a later process given the same pid.
   */
  processes: TreeProcess[];
  /**
   * user + system time of every live process of the tree, each with what its reaped children
   * used (`cutime`, `cstime`), in ms. A process the tree reaps moves its time into its parent's
   * children's time, so the sum keeps it; only a process re-parented out of the tree (its parent
   * died first) takes its time with it when it ends.
   */
  cpuMs: number;
  /**
   * How long the tree's live threads have waited on a run queue, runnable but not running, in
   * ms (`/proc/<pid>/task/<tid>/schedstat`'s second field; 0 where the kernel keeps no schedstat).
   * What tells a starved process from a hung one: at load 36 on two cores a worker's start got
   * 0.0 s of CPU in 1.9 s, while a hung process, asleep, waits on no run queue.
   */
  waitMs: number;
};

/** A process of a tree: its pid and its start (clock ticks after boot, `/proc/<pid>/stat`). */
export type TreeProcess = { pid: number; start: string };

/** `/proc/<pid>/stat`'s fields after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // ended between the listing and the read
  }
}

/** A process's thread ids (`/proc/<pid>/task`); none once it ended. */
function threadsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

/** The pids each of a process's threads started (`/proc/<pid>/task/<tid>/children`). */
function childrenOf(pid: number, threads: readonly string[]): number[] {
  return threads.flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1')
        .split(' ')
        .filter((word) => word !== '')
        .map(Number);
    } catch {
      return [];
    }
  });
}

/** The ns a process's threads have waited on a run queue (schedstat's second field). */
function runQueueWaitNs(pid: number, threads: readonly string[]): number {
  let waited = 0;
  for (const tid of threads) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ');
      waited += Number(fields[1]) || 0;
    } catch {
      // ended between the listing and the read, or no schedstat in this kernel
    }
  }
  return waited;
}

/** Whether this system has `/proc/<pid>/stat` and the children lists (Linux). */
export const CAN_SAMPLE_PROCESS_TREES: boolean = (() => {
  try {
    readFileSync(`/proc/${process.pid}/stat`);
    return (
      childrenOf(process.pid, threadsOf(process.pid)).length >= 0 &&
      readdirSync('/proc/self/task').length > 0
    );
  } catch {
    return false;
  }
})();

/**
 * The live processes under `rootPid` and the CPU they account for, read from `/proc`; `undefined`
 * when the root has ended or `/proc` is not there. Walking the children lists costs ~1 ms for a
 * tree of a few processes; a scan of every `/proc/<pid>/stat` was 4 ms at 114 processes and grows
 * with the machine's.
 */
export function sampleProcessTree(rootPid: number): ProcessTreeSample | undefined {
  if (!CAN_SAMPLE_PROCESS_TREES) return undefined;
  const processes: TreeProcess[] = [];
  let ticks = 0;
  let waitedNs = 0;
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const fields = statFields(pid);
    if (fields === undefined) continue;
    processes.push({ pid, start: fields[19] ?? '' });
    // utime, stime, cutime, cstime: fields 14-17 of stat(5), 11-14 after the name.
    for (const index of [11, 12, 13, 14]) ticks += Number(fields[index]) || 0;
    const threads = threadsOf(pid);
    waitedNs += runQueueWaitNs(pid, threads);
    queue.push(...childrenOf(pid, threads));
  }
  return processes.length === 0
    ? undefined
    : { processes, cpuMs: ticks * MS_PER_TICK, waitMs: waitedNs / 1e6 };
}

/**
 * Whether `process` is still the process it was when sampled: alive (not a zombie) and started
 * at the same tick, so that a pid the system gave to another process since is never signalled.
 */
export function isStillRunning(process: TreeProcess): boolean {
  const fields = statFields(process.pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[19] === process.start;
}
