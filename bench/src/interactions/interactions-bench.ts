/**
 * `tsx src/interactions/interactions-bench.ts [-- --steps=20 --runs=15 --rounds=3]`: one agent run
 * of `steps` sequential tool calls (each result ~1 KB, so the history grows) over
 * `generateContent` and over the Interactions API (with server state, and without), against the
 * same local scripted server in another process, rounds interleaved. Prints the client's CPU and
 * wall time per step (medians over rounds, ratios to generateContent) and the request bytes of
 * each step: with server state the Interactions API sends O(1) per step, generateContent and
 * stateless Interactions O(history).
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { type AgentApi, interactionsApi } from '@gemloop/core/interactions';

function option(name: string, fallback: number): number {
  const found = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return Number(found === undefined ? fallback : found.slice(name.length + 3));
}

const steps = option('steps', 20);
const runs = option('runs', 15);
const rounds = option('rounds', 3);
const payload = 'x'.repeat(1000);
const lookup = defineTool({ name: 'lookup', execute: () => ({ payload }) });

const child = fork(
  fileURLToPath(new URL('./scripted-server.ts', import.meta.url)),
  [String(steps)],
  {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--import', 'tsx', '--conditions=@gemloop/source'],
  },
);
const url = await new Promise<string>((resolve) =>
  child.once('message', (message) => resolve((message as { url: string }).url)),
);

const contenders: Array<[string, AgentApi]> = [
  ['generateContent', 'generateContent'],
  ['interactions (store)', interactionsApi()],
  ['interactions (no store)', interactionsApi({ store: false })],
];

async function measure(api: AgentApi, count: number) {
  const bytes: number[] = [];
  const gemini = createGemini({
    baseUrl: url,
    apiKey: 'bench-key',
    retry: false,
    fetch: (input, init) => {
      const body = init?.body;
      if (typeof body === 'string' && init?.method === 'POST') bytes.push(Buffer.byteLength(body));
      return fetch(input, init);
    },
  });
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    api,
    maxSteps: steps + 1,
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let run = 0; run < count; run++) await agent.run('Read every page.');
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const total = count * steps;
  return {
    cpuPerStep: (used.user + used.system) / 1000 / total,
    wallPerStep: wall / total,
    bytes: bytes.slice(0, steps),
  };
}

const results = new Map<string, Array<{ cpuPerStep: number; wallPerStep: number }>>();
let bytesPerStep = new Map<string, number[]>();
for (const [, api] of contenders) await measure(api, 2); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const [name, api] of contenders) {
    const result = await measure(api, runs);
    results.set(name, [...(results.get(name) ?? []), result]);
    bytesPerStep.set(name, result.bytes);
  }
}
child.disconnect();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const base = results.get('generateContent') ?? [];
const baseCpu = median(base.map((r) => r.cpuPerStep));
console.log(
  `Interactions vs generateContent: ${steps} steps x ${runs} runs x ${rounds} rounds; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('contender                 client CPU/step  ratio  wall/step');
for (const [name] of contenders) {
  const list = results.get(name) ?? [];
  const cpu = median(list.map((r) => r.cpuPerStep));
  const wall = median(list.map((r) => r.wallPerStep));
  console.log(
    `${name.padEnd(26)}${cpu.toFixed(3).padStart(10)} ms ${(cpu / baseCpu).toFixed(2).padStart(6)} ${wall.toFixed(3).padStart(8)} ms`,
  );
}
console.log('request bytes per step (steps 1, 2, 5, 10, last):');
for (const [name] of contenders) {
  const list = bytesPerStep.get(name) ?? [];
  const pick = [0, 1, 4, 9, list.length - 1].filter((at) => at < list.length).map((at) => list[at]);
  console.log(`${name.padEnd(26)}${pick.join(' / ')}`);
}
bytesPerStep = new Map();
