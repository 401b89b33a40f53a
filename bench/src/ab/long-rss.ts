/**
 * Where the peak RSS of the long-stream scenario goes: one streaming contender's loop run in this
 * process against the scripted server (forked, as the bench does), printing after each run the
 * peak and current RSS and the V8 heap, then V8's peak malloc (`peak_malloced_memory`: zone memory,
 * e.g. the optimising compile of undici's WebAssembly HTTP parser) and each heap space. With
 * `TRACE=<ms>` it also prints those figures every `<ms>` during the runs (with RssAnon/RssFile,
 * code and large-object spaces) and at the end the largest sample and the sample with the most V8
 * malloc (undici's WebAssembly tier-up: the new space's size then decides the peak's mode,
 * bench/RESULTS.md, "rss-stream"); `QUIET=1` prints only those two.
 * `ZOD=1` loads zod and builds one schema after the contender is set up (a floor typed with zod),
 * `SMAPS=1` prints resident memory by mapping kind after the runs, `SNAPSHOT=<file>` writes a
 * heap snapshot after two full GCs (bench/RESULTS.md, "The long stream's peak RSS on undici,
 * counted in the young generation"). `PEAK_SMAPS=1` (with `TRACE`) prints the mapping kinds at the
 * largest sample, anonymous maps by their size (V8's 256 KB pages, glibc's thread arenas of the
 * compiler threads, 1-8 MB, and of the WebAssembly tier-up, up to 64 MB), `RUN_SMAPS=1` the same
 * before the first run and after each, `GC_AFTER=1` the old space still live after each run (two
 * full GCs; it changes what follows), `PRELOAD=1` loads the run path (`preloadRunPath`) before the
 * first run (bench/RESULTS.md, "Peak RSS of the long stream, third pass"). It must run on bare
 * `node` from a bundle that loads a contender's library only when asked (tsx alone adds 36 MB, and
 * a bundle without splitting imports every contender's library at start):
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/long-rss.ts --bundle --splitting --format=esm \
 *     --platform=node --target=node20 --packages=external --outdir=node_modules/.cache/long-rss \
 *     --out-extension:.js=.mjs && npm run bench -- --only=long-stream --no-fleet  # builds server.mjs
 *   node --expose-gc node_modules/.cache/long-rss/long-rss.mjs gemloop.stream 9 20000 \
 *     node_modules/.cache/gemloop-bench/server.mjs
 *
 * Findings of issue 27 with it are in bench/README.md ("Peak RSS of the 20,000-chunk stream").
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { createLongAnswer } from '../script/long-stream.ts';
import { startLoopAgainstServer } from './loop-against-server.ts';

const [name = 'gemloop.stream', runs = '9', chunks = '20000', serverEntry] = process.argv.slice(2);
if (serverEntry === undefined)
  throw new Error('usage: long-rss.mjs <contender> <runs> <chunks> <server.mjs>');
const { runner, server } = await startLoopAgainstServer({
  name,
  serverEntry,
  script: 'long',
  maxSteps: 4,
});
if (process.env['PRELOAD'] === '1') {
  // Diagnostic: the run path loaded at set-up, as a long-lived process may (worse: +1 to +22 MB).
  const { preloadRunPath } = await import('@gemloop/core/internal');
  await preloadRunPath();
}
if (process.env['ZOD'] === '1') {
  // Diagnostic: a contender that also loads zod and builds one schema, as gemloop.stream's tools do.
  const { z } = await import('zod');
  (globalThis as { schema?: unknown }).schema = z.object({
    a: z.number().int(),
    b: z.number().int(),
  });
}
const long = createLongAnswer(Number(chunks));
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const oldUsed = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;
const spaces = (): Record<string, number> =>
  Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]),
  );

console.log(`before the first run: rss ${mb(process.memoryUsage.rss())} MiB`);
if (process.env['RUN_SMAPS'] === '1') console.log(`before the first run: ${smapsByKind()}`);
const trace = Number(process.env['TRACE'] ?? 0);
/** RssAnon and RssFile from /proc/self/status (Linux): the heap and malloc, and mapped files. */
const rssParts = (): string => {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string): number =>
      Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return `anon ${mb(kb('RssAnon') * 1024)} file ${mb(kb('RssFile') * 1024)}`;
  } catch {
    return '';
  }
};
let peakSample = { rss: 0, line: '' };
// The sample with the most V8 malloc: the moment of undici's WebAssembly tier-up (~29 MiB of zone
// memory), to read the new space's size then against the largest sample's (the peak's mode).
let tierUpSample = { malloced: 0, line: '' };
let peakSmaps = '';
/** Anonymous mappings by their size: V8's pages, glibc's arenas of the compiler threads, the rest. */
function anonymousKind(kilobytes: number): string {
  if (kilobytes <= 256) return 'anon <=256K';
  if (kilobytes <= 1024) return 'anon <=1M';
  if (kilobytes <= 8192) return 'anon 1-8M';
  return kilobytes <= 65536 ? 'anon 8-64M' : 'anon >64M';
}
/** Resident memory (MiB) by mapping kind, from /proc/self/smaps (Linux); kinds under 0.1 left out. */
function smapsByKind(): string {
  const kinds = new Map<string, number>();
  let kind = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      const path = head[3] ?? '';
      const size =
        (Number.parseInt(head[2] ?? '0', 16) - Number.parseInt(head[1] ?? '0', 16)) / 1024;
      kind = path === '' ? anonymousKind(size) : path.startsWith('/') ? 'file' : path;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) kinds.set(kind, (kinds.get(kind) ?? 0) + Number(rss[1]) * 1024);
  }
  return [...kinds]
    .filter(([, bytes]) => bytes >= 100 * 1024)
    .sort()
    .map(([name, bytes]) => `${name} ${mb(bytes)}`)
    .join('; ');
}
if (trace > 0) {
  const started = Date.now();
  setInterval(() => {
    const heap = getHeapStatistics();
    const space = spaces();
    const rss = process.memoryUsage.rss();
    const line = `t ${Date.now() - started} ms: rss ${mb(rss)} ${rssParts()} old used ${mb(oldUsed())} new ${mb(space['new_space'] ?? 0)} old ${mb(space['old_space'] ?? 0)} code ${mb(space['code_space'] ?? 0)} lo ${mb((space['large_object_space'] ?? 0) + (space['new_large_object_space'] ?? 0))} malloc ${mb(heap.malloced_memory)} external ${mb(heap.external_memory)}`;
    if (heap.malloced_memory > tierUpSample.malloced)
      tierUpSample = { malloced: heap.malloced_memory, line };
    if (rss > peakSample.rss) {
      peakSample = { rss, line };
      if (process.env['PEAK_SMAPS'] === '1') peakSmaps = smapsByKind();
    }
    if (process.env['QUIET'] !== '1') console.log(`  ${line}`);
  }, trace).unref();
}
for (let run = 0; run < Number(runs); run++) {
  const text = await runner.run(long.prompt);
  if (text !== long.text) throw new Error(`run ${run}: wrong answer`);
  if (process.env['GC_AFTER'] === '1') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    console.log(
      `after run ${run} and two full GCs: old space used ${(oldUsed() / 1024 / 1024).toFixed(2)} MiB`,
    );
  }
  if (process.env['RUN_SMAPS'] === '1') console.log(`after run ${run}: ${smapsByKind()}`);
  const heap = getHeapStatistics();
  console.log(
    `run ${run}: maxRSS ${mb(process.resourceUsage().maxRSS * 1024)} rss ${mb(process.memoryUsage.rss())} heap ${mb(heap.total_heap_size)} used ${mb(heap.used_heap_size)} MiB malloc ${mb(heap.malloced_memory)} external ${mb(heap.external_memory)} arrayBuffers ${mb(process.memoryUsage().arrayBuffers)}`,
  );
}
if (process.env['SMAPS'] === '1') {
  // Diagnostic: resident memory by mapping kind (glibc's main heap, anonymous maps, files).
  const kinds = new Map<string, number>();
  let kind = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      const path = head[1] ?? '';
      kind = path === '' ? 'anonymous' : path.startsWith('/') ? 'file' : path;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) kinds.set(kind, (kinds.get(kind) ?? 0) + Number(rss[1]) * 1024);
  }
  console.log([...kinds].map(([name, bytes]) => `${name} ${mb(bytes)}`).join('; '));
}
const snapshot = process.env['SNAPSHOT'];
if (snapshot !== undefined) {
  // Diagnostic: what stays alive after the runs (two full GCs first), for a heap-snapshot diff.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  writeHeapSnapshot(snapshot);
}
if (trace > 0) console.log(`largest sample: ${peakSample.line}`);
if (trace > 0) console.log(`largest V8 malloc (the tier-up): ${tierUpSample.line}`);
if (peakSmaps !== '') console.log(`at the largest sample: ${peakSmaps}`);
const heap = getHeapStatistics();
console.log(`V8 peak malloc ${mb(heap.peak_malloced_memory)} MiB; heap spaces (physical MiB):`);
for (const [space, bytes] of Object.entries(spaces())) console.log(`  ${space} ${mb(bytes)}`);
server.kill();
