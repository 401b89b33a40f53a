import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take longest on a two-core machine (child processes, packing and npm
 * installs, a browser), relative to the repository root, slowest first. Started first in their
 * group (vitest.config.ts), each ends while the shorter files run beside it, instead of starting
 * last and running alone.
 */
export const SLOW_FILES: readonly string[] = [
  'test/packed-install.test.ts',
  'examples/test/examples.test.ts',
  'examples/test/readme-snippets.test.ts',
  // The longest dbos files (many durable runs, worker kills and takeovers), first in the durable
  // group (vitest.config.ts DURABLE). Not rate-limit-under-load: it keeps every core busy for as
  // long as it runs, and first in the group it slowed every other file (a run 16 s longer).
  // crash-recovery first since paused-runs' 130 paused runs go through eight slots, not one.
  'packages/dbos/src/durable/runs/crash-recovery.test.ts',
  'packages/dbos/src/durable/approvals/paused-runs.test.ts',
  // With the stale park's SIGSTOPped owners and takeovers since speed-dbos51a (four workers one
  // after another, nearly all of its wall waiting on them): early, its waits overlap the others'.
  'packages/dbos/src/durable/fleet/cancel-takeover.test.ts',
  // Three child Vitest runs one after another (~35 s quiet; project integration), and the fleet
  // example killed three ways (~18 s): by project name (then evals-processes, examples) they
  // started after every dbos file and ended the run, the first alone for its last 25 s (a full run
  // at load 15-37, 2026-11-26).
  'packages/evals/src/vitest/define-eval-tests.test.ts',
  'examples/test/run-example-process.test.ts',
  'examples/chat/chat.test.ts',
  'examples/demo/demo.test.ts',
  'test/docs-api.test.ts',
  'examples/test/snippets-syntax.test.ts',
  'packages/tools/src/mcp/connect/connect-mcp-stdio.test.ts',
  'examples/test/docs-snippets.test.ts',
  'test/architecture.test.ts',
  // ~25 s of wall, nearly all of it waiting (a stalled registry request, 15 s of it with no CPU):
  // early, it overlaps the run's work; among the last files it could end the run alone.
  'test/npm-fetch-stall.test.ts',
  // The browser runtimes (Chromium, ~10 s each): when `runtimes` was a project of its own (it is
  // `integration`'s `test/runtimes` now), it came last in group 1 by name and these two ended the
  // run nearly alone; first, they overlap the rest.
  'test/runtimes/react-chat.test.ts',
  'test/runtimes/browser-chat.test.ts',
  // The other runtimes (Bun, Deno, workerd, Chromium, the edge VM: a runtime's start each): last by
  // the old project's name, they ended the run, 10-15 s with one or two files running.
  'test/runtimes/chromium.test.ts',
  'test/runtimes/workerd.test.ts',
  'test/runtimes/react-hook.test.ts',
  // Node 22 and 24 (~4 s of CPU, 8-14 s of wall at load 6-11: two processes one after another).
  'test/runtimes/node-versions.test.ts',
  'test/runtimes/deno.test.ts',
  'test/runtimes/bun.test.ts',
  'test/runtimes/edge-runtime.test.ts',
  // Eight child processes of ~1,000 runs each one after another (attack68a: ~30 s of wall alone,
  // 105-175 s at load 19+), the longest file of the in-process group: first in it.
  'packages/core/src/agent/long-lived-process.attacks.test.ts',
  // Thousands of runs and chat turns with heaps read after full GCs (leak40: ~8 s of CPU each,
  // 20-50 s of wall at load 20): started late in core's group they would end it alone.
  'packages/core/src/agent/fleet-retention.test.ts',
  'packages/core/src/chat/chat-retention.test.ts',
];

/** What {@link slowFirst} reads of a test file: its path, its project's name and group. */
export type SequencedFile = {
  moduleId: string;
  project: { name: string; config: { sequence: { groupOrder: number } } };
};

/**
 * `files` in Vitest's order (projects by name, then by recorded duration or size), with
 * {@link SLOW_FILES} moved to the front, and after them, in each group (`sequence.groupOrder`), the
 * other files of the project whose slow file is the group's last go first. Vitest keeps a shared
 * module graph's worker (`isolate: false`) for the next file only when the next file queued is of
 * the same project; otherwise it stops the worker, and the project's next file imports the graph
 * again in a fresh one. The group's last slow files end while its other files are being handed
 * out: with their project's files next in the queue, their workers carry on instead of being
 * stopped. In the in-process group, fleet-retention's and chat-retention's workers were stopped
 * (bench, client came next) and core's graph was imported again twice (bench/RESULTS.md, helper
 * speed-import48).
 */
export function slowFirst<T extends SequencedFile>(files: readonly T[], root: string): T[] {
  const rank = (file: T): number => {
    const index = SLOW_FILES.indexOf(relative(root, file.moduleId).split('\\').join('/'));
    return index < 0 ? SLOW_FILES.length : index;
  };
  const group = (file: T): number => file.project.config.sequence.groupOrder;
  // Array.prototype.sort is stable: the other files keep Vitest's order.
  const bySlowness = [...files].sort((a, b) => rank(a) - rank(b));
  const lastSlowProject = new Map<number, string>();
  for (const file of bySlowness) {
    if (rank(file) < SLOW_FILES.length) lastSlowProject.set(group(file), file.project.name);
  }
  const place = (file: T): number => {
    if (rank(file) < SLOW_FILES.length) return 0;
    return lastSlowProject.get(group(file)) === file.project.name ? 1 : 2;
  };
  // Vitest runs the groups one after another whatever their order here; kept apart for clarity.
  return bySlowness.sort((a, b) => group(a) - group(b) || place(a) - place(b));
}

/**
 * Vitest's order with the slow files first ({@link slowFirst}). Vitest orders by recorded durations
 * only when it has them: a fresh clone (CI) has none, and would start `test/packed-install.test.ts`
 * among the last files.
 */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return slowFirst(await super.sort(files), this.ctx.config.root);
  }
}
