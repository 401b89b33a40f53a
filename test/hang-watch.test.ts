import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHangWatch, GUARD_DEFAULTS } from '../scripts/hang-watch.ts';
import {
  CAN_SAMPLE_PROCESS_TREES,
  type ProcessTreeSample,
  sampleProcessTree,
} from '../scripts/process-tree-cpu.ts';

// The hang guard's rule (scripts/hang-watch.ts), on samples given to it: a tree that waited on a
// run queue for a core is starved, not hung. At load 36 on two cores a fixture worker's start got
// 0.0 s of CPU in 1.9 s and was killed as hung (fleet.start-worker.test.ts, the whole suite run
// beside six lanes' builds); it had been runnable all along.

const guard = { ...GUARD_DEFAULTS, idleMs: 1_000, idleCpuMs: 20 };
const tree = (cpuMs: number, waitMs: number): ProcessTreeSample => ({
  processes: [{ pid: 4242, start: '1' }],
  cpuMs,
  waitMs,
});

describe.skipIf(!CAN_SAMPLE_PROCESS_TREES)('the hang guard’s idle rule', () => {
  it('takes a tree that used no CPU and waited for none as hung, saying both', () => {
    // Started two idle windows ago: the first sample judges the whole window.
    const watch = createHangWatch(4242, guard, Date.now() - 2_000, () => tree(0, 0));
    const verdict = watch.sample();
    expect(verdict?.kind).toBe('idle');
    expect(verdict?.reason).toBe(
      'no progress: its 1 process(es) used 0.0 s of CPU in the last 1.0 s (less than 0.0 s is hung) and waited 0.0 s for a core (less than half of it)',
    );
  });

  it('does not take a tree that waited on a run queue all the window, without CPU, as hung', () => {
    const watch = createHangWatch(4242, guard, Date.now() - 2_000, () => tree(0, 1_900));
    expect(watch.sample()).toBeUndefined();
  });

  it('takes a sleeper whose rare wake-ups each waited for a core as hung all the same', () => {
    // A hung process's timers at load 36: a few wake-ups in the window, each tens of ms in the
    // queue. Counted as wanted CPU, they held a hung worker past its test's 5 minutes.
    const watch = createHangWatch(4242, guard, Date.now() - 2_000, () => tree(5, 300));
    expect(watch.sample()?.kind).toBe('idle');
  });

  it('counts a wait that went down (a thread that ended took its own) as none, not as less', () => {
    const samples = [tree(0, 900), tree(0, 100), tree(0, 100)];
    const watch = createHangWatch(4242, guard, Date.now() - 2_000, () => samples.shift());
    expect(watch.sample()).toBeUndefined(); // 900 ms of waiting in the window
    // The window's first entry (the start) is older than idleMs; its wait was 0, and 900 ms were
    // counted: a drop to 100 counts nothing more, and takes nothing back.
    expect(watch.sample()).toBeUndefined();
  });

  it('reads a real tree’s run-queue wait from /proc (this process has waited for a core)', () => {
    const sample = sampleProcessTree(process.pid);
    expect(sample).toBeDefined();
    expect(Number.isFinite(sample?.waitMs)).toBe(true);
    // A kernel without schedstat reports none; this machine's has it (the guard relies on it).
    if (existsSync(`/proc/${process.pid}/schedstat`)) expect(sample?.waitMs).toBeGreaterThan(0);
  });
});
