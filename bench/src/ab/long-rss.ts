/**
 * Where the peak RSS of the long-stream scenario goes: one streaming contender's loop run in this
 * process against the scripted server (forked, as the bench does), printing after each run the
 * peak and current RSS and the V8 heap, then V8's peak malloc (`peak_malloced_memory`: zone memory,
 * e.g. the optimising compile of undici's WebAssembly HTTP parser) and each heap space. With
 * `TRACE=<ms>` it also prints those figures every `<ms>` during the runs. It must run on bare
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
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
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
const long = createLongAnswer(Number(chunks));
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const spaces = (): Record<string, number> =>
  Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]),
  );

console.log(`before the first run: rss ${mb(process.memoryUsage.rss())} MiB`);
const trace = Number(process.env['TRACE'] ?? 0);
if (trace > 0) {
  const started = Date.now();
  setInterval(() => {
    const heap = getHeapStatistics();
    const space = spaces();
    console.log(
      `  t ${Date.now() - started} ms: rss ${mb(process.memoryUsage.rss())} new ${mb(space['new_space'] ?? 0)} old ${mb(space['old_space'] ?? 0)} malloc ${mb(heap.malloced_memory)} external ${mb(heap.external_memory)}`,
    );
  }, trace).unref();
}
for (let run = 0; run < Number(runs); run++) {
  const text = await runner.run(long.prompt);
  if (text !== long.text) throw new Error(`run ${run}: wrong answer`);
  const heap = getHeapStatistics();
  console.log(
    `run ${run}: maxRSS ${mb(process.resourceUsage().maxRSS * 1024)} rss ${mb(process.memoryUsage.rss())} heap ${mb(heap.total_heap_size)} used ${mb(heap.used_heap_size)} MiB`,
  );
}
const heap = getHeapStatistics();
console.log(`V8 peak malloc ${mb(heap.peak_malloced_memory)} MiB; heap spaces (physical MiB):`);
for (const [space, bytes] of Object.entries(spaces())) console.log(`  ${space} ${mb(bytes)}`);
server.kill();
