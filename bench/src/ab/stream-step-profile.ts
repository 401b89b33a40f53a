/**
 * One build of @gemloop/core running the ABBA client's default agent (the `seq5` script against the
 * bench's scripted server over loopback) in a process of its own, measured over a window of runs
 * after a warm-up: the process's CPU a step, the main thread's and the other threads' (V8's
 * compiler and GC helpers, from /proc), and optionally a V8 CPU profile of the window or
 * callgrind's counters of it. One process per build, as the ABBA runs them, so that no build's
 * objects meet the other's in Node's shared code (ab-dist.ts's one-process setting does).
 *
 * Written for issue 53's fetch row (helper perf-stream, bench/RESULTS.md): where the streamed
 * fetch step's residue against `d5ff9c8` sits, by window (the V8 tier-up tail after 1,000 runs).
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/stream-step-profile.ts src/server/server-process.ts \
 *     --bundle --splitting --format=esm --platform=node --target=node20 --packages=external \
 *     --outdir=node_modules/.cache/ps --out-extension:.js=.mjs
 *   node node_modules/.cache/ps/ab/stream-step-profile.mjs <core dir> \
 *     node_modules/.cache/ps/server/server-process.mjs <out.cpuprofile | -> \
 *     [fetch|auto] [stream|run] [warm-up runs] [measured runs]
 *
 * `-` takes no CPU profile. With `CALLGRIND=1`, under `valgrind --tool=callgrind`, the counters are
 * zeroed when the window starts and dumped when it ends (`callgrind_control -z`, `-d`): V8's
 * compiler threads and the GC's count with the rest. `<core dir>` is a `packages/core` with its
 * `dist/` built, e.g. `d5ff9c8`'s in the ABBA cache (`<tmpdir>/gemloop-abba/<hash>/packages/core`).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL, expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { forkScriptedServer } from './loop-against-server.ts';

type Core = typeof import('@gemloop/core');

const [
  coreDirectory,
  serverEntry,
  profileFile = '-',
  transport = 'fetch',
  mode = 'stream',
  warmupText = '1000',
  runsText = '800',
] = process.argv.slice(2);
if (coreDirectory === undefined || serverEntry === undefined) {
  throw new Error(
    'give <core dir> <server.mjs> [out.cpuprofile|-] [transport] [mode] [warm-up] [runs]',
  );
}
const SEEDS = 256;
const STEPS = stepsPerRun('seq5');

const core = (await import(pathToFileURL(`${coreDirectory}/dist/index.js`).href)) as Core;
const { server, url } = await forkScriptedServer(serverEntry);
const input = z.object({ a: z.number().int(), b: z.number().int() });
const agent = core.createAgent({
  gemini: core.createGemini({
    apiKey: 'bench-key-not-secret',
    baseUrl: contenderBaseUrl(url, 'gemloop.profile', 'seq5'),
    transport: transport === 'fetch' ? 'fetch' : 'auto',
  }),
  model: BENCH_MODEL,
  tools: [
    core.defineTool({
      name: 'add',
      description: ADD_DESCRIPTION,
      parameters: input,
      execute: (args) => add(args),
    }),
    core.defineTool({
      name: 'multiply',
      description: MULTIPLY_DESCRIPTION,
      parameters: input,
      execute: (args) => multiply(args),
    }),
  ],
  maxSteps: 10,
});
const prompts = Array.from({ length: SEEDS }, (_, seed) => loopPrompt('seq5', seed));
const answers = Array.from({ length: SEEDS }, (_, seed) => expectedFinalText('seq5', seed));
let nextSeed = 0;

async function runOnce(): Promise<void> {
  const seed = nextSeed++ % SEEDS;
  let text: string;
  if (mode === 'run') text = (await agent.run(prompts[seed]!)).text;
  else {
    const stream = agent.stream(prompts[seed]!);
    for await (const _event of stream);
    text = (await stream.result).text;
  }
  if (text !== answers[seed]) throw new Error(`wrong final answer for seed ${seed}`);
}

/** CPU ticks (user + system, 1/100 s) of the main thread and of all the other threads. */
function threadTicks(): { main: number; other: number } {
  const ticks = { main: 0, other: 0 };
  for (const task of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks[task === String(process.pid) ? 'main' : 'other'] +=
      Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

/** Under valgrind (`CALLGRIND=1`): zeroes or dumps callgrind's counters, running meanwhile. */
async function callgrind(flag: '-z' | '-d'): Promise<void> {
  if (process.env['CALLGRIND'] === undefined) return;
  const child = spawn('callgrind_control', [flag, String(process.pid)], { stdio: 'inherit' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  // Valgrind reads the request while the program runs, not while it sleeps in a system call.
  while (!exited) await new Promise((resolve) => setImmediate(resolve));
}

for (let index = 0; index < Number(warmupText); index++) await runOnce();
const session = new Session();
if (profileFile !== '-') {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
await callgrind('-z');
const runs = Number(runsText);
// Marks the window in what V8's --trace-* flags print meanwhile.
process.stdout.write('window: start\n');
const ticksBefore = threadTicks();
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let index = 0; index < runs; index++) await runOnce();
const wall = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const ticksAfter = threadTicks();
process.stdout.write('window: end\n');
await callgrind('-d');
if (profileFile !== '-') {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
}
const steps = runs * STEPS;
const perStep = (ticks: number): string => ((ticks * 10_000) / steps).toFixed(1);
process.stdout.write(
  `${coreDirectory} ${transport} ${mode}, runs ${warmupText}+1..+${runs}: CPU ` +
    `${((cpu.user + cpu.system) / steps).toFixed(1)} µs/step (main thread ` +
    `${perStep(ticksAfter.main - ticksBefore.main)}, other threads ` +
    `${perStep(ticksAfter.other - ticksBefore.other)}), wall ${((wall * 1000) / steps).toFixed(1)} µs/step\n`,
);
server.kill();
process.exit(0);
