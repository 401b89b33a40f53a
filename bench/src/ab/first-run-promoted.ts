/**
 * What survives a young-generation collection from the process's start to the end of its first
 * long stream, by allocation site: one streaming contender's loop against the scripted server,
 * with V8's sampling heap profiler started before the contender is loaded and told to keep the
 * objects a major GC collected and drop those a minor GC collected. That is what fills the old
 * space (live or not) by the time of the long stream's peak RSS, which a heap snapshot (taken
 * after a full GC) does not show. Built and run as long-rss.ts is:
 *
 *   node --expose-gc node_modules/.cache/rssab/first-run-promoted.mjs gemloop.stream \
 *     node_modules/.cache/gemloop-bench/server.mjs
 */
import { Session } from 'node:inspector/promises';
import { createLongAnswer } from '../script/long-stream.ts';
import { startLoopAgainstServer } from './loop-against-server.ts';

type SampledNode = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampledNode[];
};
const [name = 'gemloop.stream', serverEntry, depthArgument = '1'] = process.argv.slice(2);
if (serverEntry === undefined)
  throw new Error('usage: first-run-promoted.mjs <contender> <server.mjs> [frames]');
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 512,
  includeObjectsCollectedByMinorGC: false,
  includeObjectsCollectedByMajorGC: true,
} as { samplingInterval: number });
const { runner, server } = await startLoopAgainstServer({
  name,
  serverEntry,
  script: 'long',
  maxSteps: 4,
});
const long = createLongAnswer(20_000);
if ((await runner.run(long.prompt)) !== long.text) throw new Error('wrong answer');
// Garbage still in the young generation at the end is not collected yet, so the profiler would
// count it: two young collections first (what they keep is alive anyway).
const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
if (gc === undefined) throw new Error('run it with --expose-gc');
gc({ type: 'minor' });
gc({ type: 'minor' });
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
  profile: { head: SampledNode };
};
server.kill();
const frames = Number(depthArgument);
const short = (node: SampledNode): string => {
  const f = node.callFrame;
  const url = f.url.replace(/^.*\/(node_modules|packages)\//, '').replace(/^file:\/\/.*\//, '');
  return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`;
};
const bySite = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
const walk = (node: SampledNode, stack: SampledNode[]): void => {
  const next = [...stack, node];
  if (node.selfSize > 0) {
    total += node.selfSize;
    const key = next.slice(-frames).map(short).reverse().join(' < ');
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    // The innermost frame with a file: which package's code asked for it.
    const withUrl = [...next].reverse().find((frame) => frame.callFrame.url !== '');
    const url = withUrl?.callFrame.url ?? '(no url)';
    const pkg =
      /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.startsWith('node:') ? 'node:' : url.includes('/packages/') ? 'gemloop' : url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, next);
};
walk(profile.head, []);
const kb = (bytes: number): string => (bytes / 1024).toFixed(0).padStart(7);
console.log(`${name}: ${kb(total)} KB survived a scavenge, start to the first run's end`);
for (const [key, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${kb(bytes)}  ${key}`);
console.log('by site:');
for (const [key, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 40))
  console.log(`${kb(bytes)}  ${key}`);
