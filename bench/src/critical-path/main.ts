/**
 * `npm run bench:critical-path [-- --runs=300 --warmup=1000 --rounds=5 --contenders=a,b]`: where a
 * sequential tool loop's time goes, per step, for each contender in its own process against the
 * scripted server: the client's critical path (last response byte read -> next request written),
 * the wait for the server, the run's set-up, wall and CPU time. The floors always run; rounds
 * interleave the contenders and the table shows the median over rounds of each process's figures.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { buildWorkers } from '../build-workers.ts';
import { startServerProcess } from '../worker/server-handle.ts';
import type { CriticalPathSummary } from './critical-path-probe.ts';

type ChildResult = CriticalPathSummary & { wallPerStep: number; cpuPerStep: number };

const FLOORS = ['floor.http', 'floor.http.stream', 'floor', 'floor.stream'];
const DEFAULT = ['gemloop.run', 'gemloop.stream'];

function option(name: string, fallback: string): string {
  const found = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
}

function runChild(
  entry: string,
  contender: string,
  serverUrl: string,
  runs: number,
  warmupRuns: number,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, [contender, serverUrl, String(runs), String(warmupRuns)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ChildResult | undefined;
    child.on('message', (message) => {
      result = message as ChildResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`${contender} exited with ${code} before reporting`));
    });
  });
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1] as number;

async function main(): Promise<void> {
  const runs = Number(option('runs', '300'));
  // As the bench's loop scenarios: a process in its steady state (`--warmup=50` shows the start).
  const warmupRuns = Number(option('warmup', '1000'));
  const rounds = Number(option('rounds', '5'));
  const contenders = [...FLOORS, ...option('contenders', DEFAULT.join(',')).split(',')];
  const load = loadavg();
  const { criticalPathEntry, serverEntry } = await buildWorkers();
  const server = await startServerProcess(serverEntry);
  const results = new Map<string, ChildResult[]>(contenders.map((name) => [name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (let index = 0; index < contenders.length; index++) {
        const name = contenders[(index + round) % contenders.length] as string;
        results
          .get(name)
          ?.push(await runChild(criticalPathEntry, name, server.url, runs, warmupRuns));
        process.stderr.write('.');
      }
    }
  } finally {
    await server.close();
  }
  process.stderr.write('\n');
  const of = (name: string, pick: (result: ChildResult) => number): number =>
    median((results.get(name) ?? []).map(pick));
  const fmt = (value: number): string => value.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const lines = [
    `Critical path of the sequential tool loop (5 rounds of 1 call, then the answer), ${runs} runs per process after ${warmupRuns} warm-up runs, median of ${rounds} interleaved rounds. Load average ${load.map((value) => value.toFixed(2)).join(' / ')} at the start, ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' / ')} at the end. Times in µs per step.`,
    '',
    '| contender | wall | client critical path, median (mean; p90) | vs its node:http floor | waiting for the server | run set-up (start to first request) | client CPU |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const name of contenders) {
    const floor = name.includes('stream') ? 'floor.http.stream' : 'floor.http';
    const client = of(name, (result) => result.client.median);
    lines.push(
      `| ${name} | ${fmt(of(name, (result) => result.wallPerStep))} | ${fmt(client)} (${fmt(of(name, (result) => result.client.mean))}; ${fmt(of(name, (result) => result.client.p90))}) | ${name === floor ? '' : `+${fmt(client - of(floor, (result) => result.client.median))}`} | ${fmt(of(name, (result) => result.waiting.median))} | ${fmt(of(name, (result) => result.runStart.median))} | ${fmt(of(name, (result) => result.cpuPerStep))} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
