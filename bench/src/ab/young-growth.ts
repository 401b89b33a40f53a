/**
 * When the long stream's young generation grows, and what made it: one streaming contender's
 * process, in phases (its library imported, the loop set up, each long stream), with V8's
 * `GCProfiler` recording every collection. For each phase it prints the scavenges, the bytes that
 * survived them (copied within the new space plus promoted to the old one: what V8 adds up to
 * decide when to double the new space, `Heap::CheckNewSpaceExpansionCriteria`), the new space's
 * size at the phase's end, RSS and V8's malloc. Built and run as long-rss.ts is:
 *
 *   node --expose-gc node_modules/.cache/long-rss/young-growth.mjs gemloop.stream 2 \
 *     node_modules/.cache/gemloop-bench/server.mjs
 */
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics, type HeapSpaceInfo } from 'node:v8';
import { createLongAnswer } from '../script/long-stream.ts';
import { startLoopAgainstServer } from './loop-against-server.ts';

type Space = { spaceName: string; spaceUsedSize: number; spaceSize: number };
type Collection = {
  gcType: string;
  beforeGC: { heapSpaceStatistics: Space[] };
  afterGC: { heapSpaceStatistics: Space[] };
};

const [name = 'gemloop.stream', runs = '2', serverEntry] = process.argv.slice(2);
if (serverEntry === undefined)
  throw new Error('usage: young-growth.mjs <contender> <runs> <server.mjs>');
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);
const used = (spaces: Space[], name: string): number =>
  spaces.find((space) => space.spaceName === name)?.spaceUsedSize ?? 0;
const size = (spaces: Space[], name: string): number =>
  spaces.find((space) => space.spaceName === name)?.spaceSize ?? 0;
const newSpace = (): HeapSpaceInfo | undefined =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');

let cumulative = 0;
let profiler = new GCProfiler();
profiler.start();
const phase = (label: string): void => {
  const collections = profiler.stop().statistics as unknown as Collection[];
  let survived = 0;
  let scavenges = 0;
  let full = 0;
  for (const gc of collections) {
    if (gc.gcType !== 'Scavenge') {
      full++;
      continue;
    }
    scavenges++;
    const before = gc.beforeGC.heapSpaceStatistics;
    const after = gc.afterGC.heapSpaceStatistics;
    const promoted =
      used(after, 'old_space') -
      used(before, 'old_space') +
      used(after, 'large_object_space') -
      used(before, 'large_object_space');
    const kept = used(after, 'new_space') + Math.max(0, promoted);
    survived += kept;
    const grew = size(after, 'new_space') !== size(before, 'new_space');
    if (process.env['EACH'] === '1' || grew)
      console.log(
        `  scavenge: survived ${mb(kept)}${grew ? `; new space ${mb(size(before, 'new_space'))} -> ${mb(size(after, 'new_space'))}` : ''}`,
      );
  }
  cumulative += survived;
  const space = newSpace();
  console.log(
    `${label}: ${scavenges} scavenges, ${full} full; survived ${mb(survived)} (since start ${mb(cumulative)}); new space ${mb(space?.space_size ?? 0)} (used ${mb(space?.space_used_size ?? 0)}); rss ${mb(process.memoryUsage.rss())}; maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}; malloc peak ${mb(getHeapStatistics().peak_malloced_memory)}`,
  );
  profiler = new GCProfiler();
  profiler.start();
};

phase('start');
if (!name.startsWith('gemloop') && process.env['ZOD'] === '1') {
  // Diagnostic: a floor whose tools are typed with zod, as gemloop.stream's are.
  const { z } = await import('zod');
  (globalThis as { schema?: unknown }).schema = z.object({
    a: z.number().int(),
    b: z.number().int(),
  });
  phase("import 'zod' and one schema");
}
if (name.startsWith('gemloop')) {
  // The contender's module imports both; imported here first, each import is its own phase.
  await import('@gemloop/core');
  phase("import '@gemloop/core'");
  await import('zod');
  phase("import 'zod'");
}
if (process.env['PRELOAD'] === '1') {
  // Diagnostic: the first run's modules (the loop, the request path, undici) loaded before it.
  const internal = '@gemloop/core/internal';
  await ((await import(internal)) as { preloadRunPath(): Promise<void> }).preloadRunPath();
  phase('run path preloaded');
}
const { runner, server } = await startLoopAgainstServer({
  name,
  serverEntry,
  script: 'long',
  maxSteps: 4,
});
phase('library loaded, loop set up');
const long = createLongAnswer(20_000);
phase('the answer to check');
for (let run = 0; run < Number(runs); run++) {
  if ((await runner.run(long.prompt)) !== long.text) throw new Error('wrong answer');
  phase(`run ${run}`);
}
profiler.stop();
server.kill();
