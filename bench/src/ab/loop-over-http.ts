/**
 * CPU per step of one contender's `seq5` loop over loopback HTTP against the bench's scripted
 * server (forked, as the bench does), after 200 warm-up runs: the figure to A/B two builds of
 * @gemloop/core on the request path that the in-process `ab-dist.ts` does not exercise (undici,
 * the unary and stream readers). Build it once, then alternate the builds in place
 * (packages/core/dist) for pairs of runs and compare the per-pair ratios; an A/A of one build on
 * this VM moves ±5-10 % per pair, so take six pairs or more and look at the median and the
 * direction of every pair (issue 27 found the `get headers()` context literal so: 6 of 6 pairs
 * 0.84-0.92 x):
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/loop-over-http.ts --bundle --splitting \
 *     --format=esm --platform=node --target=node20 --packages=external \
 *     --outdir=node_modules/.cache/loop-over-http --out-extension:.js=.mjs
 *   node node_modules/.cache/loop-over-http/loop-over-http.mjs gemloop.run 800 \
 *     node_modules/.cache/gemloop-bench/server.mjs      # server.mjs: any bench run builds it
 */
import { expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import { startLoopAgainstServer } from './loop-against-server.ts';

const [name = 'gemloop.run', runsText = '800', serverEntry] = process.argv.slice(2);
if (serverEntry === undefined)
  throw new Error('usage: loop-over-http.mjs <contender> <runs> <server.mjs>');
const { runner, server } = await startLoopAgainstServer({
  name,
  serverEntry,
  script: 'seq5',
  maxSteps: 8,
});
// Prompts and answers made before any timing, as the bench's worker does.
const SEEDS = 256;
const prompts = Array.from({ length: SEEDS }, (_, seed) => loopPrompt('seq5', seed));
const answers = Array.from({ length: SEEDS }, (_, seed) => expectedFinalText('seq5', seed));
const loop = async (runs: number): Promise<void> => {
  for (let run = 0; run < runs; run++) {
    const text = await runner.run(prompts[run % SEEDS] as string);
    if (text !== answers[run % SEEDS]) throw new Error(`run ${run}: wrong final answer`);
  }
};
await loop(200);
const runs = Number(runsText);
const before = process.cpuUsage();
await loop(runs);
const used = process.cpuUsage(before);
console.log(
  `${name}: cpu per step ${((used.user + used.system) / runs / stepsPerRun('seq5')).toFixed(1)} us (${runs} runs)`,
);
server.kill();
