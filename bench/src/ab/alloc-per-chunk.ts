/**
 * Bytes allocated per chunk of the long stream (20,000 text chunks over loopback HTTP, the bench's
 * scripted server forked as the bench does), by the function that allocated them: one streaming
 * contender's loop in this process under V8's sampling heap profiler, the objects that young and
 * old collections freed counted too (`HeapProfiler.startSampling` with
 * `includeObjectsCollectedByMinorGC/MajorGC`), over three runs after one warm-up run. Like
 * alloc-per-step.ts, it hardly moves with the machine's load. Issue 27 found with it that
 * eventsource-parser copied every body piece whole (`join`, 359 of gemloop.stream's 2,539 bytes a
 * chunk; the fetch floor allocates 1,539).
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/alloc-per-chunk.ts --bundle --splitting \
 *     --format=esm --platform=node --target=node20 --packages=external \
 *     --outdir=node_modules/.cache/alloc-per-chunk --out-extension:.js=.mjs
 *   node node_modules/.cache/alloc-per-chunk/alloc-per-chunk.mjs gemloop.stream \
 *     node_modules/.cache/gemloop-bench/server.mjs      # server.mjs: any bench run builds it
 */
import { Session } from 'node:inspector/promises';
import { createLongStream } from '../script/long-stream.ts';
import { startLoopAgainstServer } from './loop-against-server.ts';

type SampledNode = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampledNode[];
};
const [name = 'gemloop.stream', serverEntry] = process.argv.slice(2);
if (serverEntry === undefined)
  throw new Error('usage: alloc-per-chunk.mjs <contender> <server.mjs>');
const { runner, server } = await startLoopAgainstServer({
  name,
  serverEntry,
  script: 'long',
  maxSteps: 4,
});
const CHUNKS = 20_000;
const long = createLongStream(CHUNKS);
const runChecked = async (label: string): Promise<void> => {
  if ((await runner.run(long.prompt)) !== long.text) throw new Error(`${label}: wrong answer`);
};
// One warm-up run: the first run's module loading and compiles are not what a chunk costs.
await runChecked('warm-up run');
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
});
const runs = 3;
for (let run = 0; run < runs; run++) await runChecked(`run ${run}`);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
  profile: { head: SampledNode };
};
const by = new Map<string, number>();
let total = 0;
const walk = (node: SampledNode): void => {
  const f = node.callFrame;
  const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/(node_modules|packages)\//, '')}:${f.lineNumber + 1}`;
  by.set(key, (by.get(key) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(
  `${name}: ${(total / runs / 1e6).toFixed(1)} MB per run, ${(total / runs / CHUNKS).toFixed(0)} B per chunk`,
);
for (const [key, bytes] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${(bytes / runs / CHUNKS).toFixed(0).padStart(6)} B/chunk  ${key}`);
server.kill();
