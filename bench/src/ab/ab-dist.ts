/**
 * Interleaved A/B of two builds of @gemloop/core in one process: the same tool loop (the `seq5`
 * script against the in-process scripted server of the overhead scenario) through build A and
 * build B, in alternating rounds, so that the machine's load, CPU steal and frequency changes
 * fall on both alike. It prints the CPU per step of each (the whole process: the in-process
 * server's share is the same on both sides, so B − A is the builds' difference, and B ÷ A
 * understates it) and the median of the per-round ratios B ÷ A and differences B − A.
 *
 *   bench/node_modules/.bin/tsx bench/src/ab/ab-dist.ts --a=<dir> --b=<dir> [--mode=run|stream]
 *     [--rounds=40] [--runs=20] [--warmup=1000] [--server=<server.mjs> [--transport=fetch]]
 *
 * With `--server`, the builds talk to the bench's scripted server over loopback HTTP instead (forked
 * from `server.mjs`, which any bench run builds, as the bench does), on their default transport:
 * the path the loop bench's × node:http rows measure, undici and the stream reader included. The
 * server's CPU is then its own process's, not in the figures. Run it bundled on plain node then:
 * under tsx the unary path over HTTP cost about 100 µs a step more (run 258 against 156-166 µs
 * bundled), which hid the stream's extra cost per step.
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/ab-dist.ts --bundle --splitting --format=esm \
 *     --platform=node --target=node20 --packages=external --outdir=node_modules/.cache/ab-dist \
 *     --out-extension:.js=.mjs
 *   node node_modules/.cache/ab-dist/ab-dist.mjs --a=<dir> --b=<dir> --mode=stream \
 *     --server=node_modules/.cache/gemloop-bench/server.mjs
 *
 * Each <dir> is a copy of packages/core as a package: its package.json, its dist/, and a
 * node_modules that is (a link to) packages/core/node_modules, e.g.
 *
 *   git worktree add /tmp/ab-a <commit> && (cd /tmp/ab-a && pnpm install --offline && npx tsc -b)
 *   mkdir -p /tmp/ab/a && cp -r /tmp/ab-a/packages/core/{package.json,dist} /tmp/ab/a/ \
 *     && ln -s "$PWD/packages/core/node_modules" /tmp/ab/a/node_modules
 *
 * Used for issue 27's look at the speed tricks (bench/README.md).
 */

import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL, expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { createInProcessGemini, IN_PROCESS_ORIGIN } from '../server/in-process-gemini.ts';
import { forkScriptedServer } from './loop-against-server.ts';

type Core = typeof import('@gemloop/core');
type Runner = { run(prompt: string): Promise<string>; checkServer(): void };

const flags = new Map(
  process.argv.slice(2).map((argument) => {
    const [key, value] = argument.replace(/^--/, '').split('=');
    return [key!, value ?? 'true'];
  }),
);
const dirA = flags.get('a');
const dirB = flags.get('b');
if (dirA === undefined || dirB === undefined) throw new Error('give --a=<dir> and --b=<dir>');
const mode = flags.get('mode') === 'stream' ? 'stream' : 'run';
const rounds = Number(flags.get('rounds') ?? 40);
const runsPerRound = Number(flags.get('runs') ?? 20);
const warmupRuns = Number(flags.get('warmup') ?? 1000);
const script = 'seq5';
const steps = stepsPerRun(script);
const SEEDS = 256;
const prompts = Array.from({ length: SEEDS }, (_, seed) => loopPrompt(script, seed));
const answers = Array.from({ length: SEEDS }, (_, seed) => expectedFinalText(script, seed));

const serverEntry = flags.get('server');
// `--transport=fetch` (with `--server`): Node's own fetch over loopback. Both builds then share one
// heap and Node's own inline caches, unlike the ABBA's separate processes: read the two side by
// side (bench/RESULTS.md, fetch-stream6).
const transport = flags.get('transport') === 'fetch' ? ('fetch' as const) : undefined;
const http = serverEntry === undefined ? undefined : await forkScriptedServer(serverEntry);

async function load(dir: string, name: string): Promise<Runner> {
  const core = (await import(pathToFileURL(`${dir}/dist/index.js`).href)) as Core;
  const input = z.object({ a: z.number().int(), b: z.number().int() });
  const server = http === undefined ? createInProcessGemini() : undefined;
  const baseUrl = contenderBaseUrl(
    http?.url ?? IN_PROCESS_ORIGIN,
    `gemloop.${mode}.${name}`,
    script,
  );
  const agent = core.createAgent({
    gemini: core.createGemini({
      apiKey: 'bench-key-not-secret',
      baseUrl,
      // The in-process origin is plain http and no loopback: the client refuses it without this.
      ...(server === undefined ? {} : { fetch: server.fetch, allowInsecureHttp: true }),
      ...(transport === undefined ? {} : { transport }),
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
  return {
    run: async (prompt) => {
      if (mode === 'run') return (await agent.run(prompt)).text;
      const stream = agent.stream(prompt);
      for await (const _event of stream);
      return (await stream.result).text;
    },
    // Over HTTP the server refuses a wrong request with a 400, which fails the run.
    checkServer: () => {
      if (server === undefined) return;
      const { failures, lastFailure } = server.stats();
      if (failures > 0) throw new Error(`${name}: the server refused a request: ${lastFailure}`);
      server.reset();
    },
  };
}

let seed = 0;
async function runs(runner: Runner, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const current = seed++ % SEEDS;
    const text = await runner.run(prompts[current]!);
    if (text !== answers[current]) throw new Error(`wrong final answer for seed ${current}`);
  }
}

/** CPU µs per step of `count` runs (the process's, the in-process server's share included). */
async function sample(runner: Runner, count: number): Promise<number> {
  const before = process.cpuUsage();
  await runs(runner, count);
  const cpu = process.cpuUsage(before);
  runner.checkServer();
  return (cpu.user + cpu.system) / (count * steps);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const a = await load(dirA, 'a');
const b = await load(dirB, 'b');
for (let done = 0; done < warmupRuns; done += 50) {
  await runs(a, 50);
  await runs(b, 50);
}
const cpuA: number[] = [];
const cpuB: number[] = [];
const ratios: number[] = [];
const differences: number[] = [];
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so neither always follows the other's garbage.
  const first = round % 2 === 0;
  const x = first ? await sample(a, runsPerRound) : 0;
  const y = await sample(b, runsPerRound);
  const xa = first ? x : await sample(a, runsPerRound);
  cpuA.push(xa);
  cpuB.push(y);
  ratios.push(y / xa);
  differences.push(y - xa);
}
const fmt = (value: number): string => value.toFixed(1);
console.log(
  JSON.stringify({
    mode,
    rounds,
    runsPerRound,
    warmupRuns,
    cpuUsPerStepA: {
      median: fmt(median(cpuA)),
      p25: fmt(quantile(cpuA, 0.25)),
      p75: fmt(quantile(cpuA, 0.75)),
    },
    cpuUsPerStepB: {
      median: fmt(median(cpuB)),
      p25: fmt(quantile(cpuB, 0.25)),
      p75: fmt(quantile(cpuB, 0.75)),
    },
    differenceUsBminusA: {
      median: fmt(median(differences)),
      p25: fmt(quantile(differences, 0.25)),
      p75: fmt(quantile(differences, 0.75)),
    },
    ratioBoverA: {
      median: median(ratios).toFixed(3),
      p25: quantile(ratios, 0.25).toFixed(3),
      p75: quantile(ratios, 0.75).toFixed(3),
    },
  }),
);
http?.server.kill();
