/**
 * `pnpm --filter @gemloop/bench run durable:parallel [-- --runs=N]`: a durable run whose one model
 * turn makes four parallel function calls (tools of 100, 200, 300 and 400 ms), against the fake
 * Gemini on 127.0.0.1 and an embedded Postgres (or DATABASE_URL), on an in-process worker.
 * Issue 30's goal: it finishes in about the time of its slowest tool plus the checkpoints, not
 * the sum of the four. Reported (median of N runs, each variant interleaved with the others so
 * all see the same load), by the database's clock, dequeued → completed:
 *
 * - `parallel`: the four tools at once (the durable default now);
 * - `one at a time`: the same run with `toolConcurrency: 1` (what durable runs did before);
 * - `instant`: four instant tools at once, the same steps and checkpoints without the tools' time;
 * - and `plain`: the parallel agent in-process (`agent.run`), wall time.
 */

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import { z } from 'zod';

const runsArgument = process.argv.find((argument) => argument.startsWith('--runs='));
const RUNS = runsArgument === undefined ? 7 : Number(runsArgument.slice(7));
const TOOL_MS = [100, 200, 300, 400];

const fake = createFakeGemini({
  script: (_request, context) => {
    if (context.functionResponses.length > 0) return turn.text('done');
    const instant = context.lastUserText?.startsWith('instant') === true;
    return turn.calls(
      TOOL_MS.map((ms, n) => ({ name: 'wait', args: { n, ms: instant ? 0 : ms } })),
    );
  },
});
await fake.listen();
const gemini = createGemini({ apiKey: 'bench', baseUrl: fake.url });
const wait = defineTool({
  name: 'wait',
  description: 'Waits.',
  parameters: z.object({ n: z.number(), ms: z.number() }),
  execute: async ({ n, ms }) => {
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return { n };
  },
});
const model = 'gemini-3-flash-preview';

const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
const databaseUrl = await createDatabase(postgres.url, 'bench_parallel_tools');
const worker = await startDurableWorker({
  databaseUrl,
  agents: {
    parallel: { gemini, model, tools: [wait] },
    sequential: { gemini, model, tools: [wait], toolConcurrency: 1 },
  },
  workerConcurrency: 4,
  pollingIntervalMs: 20,
  takeover: false,
  logLevel: 'error',
});
const plain = createAgent({ gemini, model, tools: [wait] });

type Variant = 'parallel' | 'one at a time' | 'instant' | 'plain';
const times = new Map<Variant, number[]>();
const push = (variant: Variant, ms: number): void => {
  times.set(variant, [...(times.get(variant) ?? []), ms]);
};
const durable = async (variant: Variant, agent: string, input: string, index: number) => {
  const runId = `${variant.replaceAll(' ', '-')}-${index}`;
  await worker.runs.start(agent, { runId, input });
  await worker.runs.result(runId);
  const status = await worker.runs.status(runId);
  push(variant, (status?.completedAt ?? 0) - (status?.dequeuedAt ?? 0));
};

// One of each first, unmeasured (connections, JIT).
await durable('parallel', 'parallel', 'go', -1);
await plain.run('go');
times.clear();
for (let index = 0; index < RUNS; index++) {
  await durable('parallel', 'parallel', 'go', index);
  await durable('one at a time', 'sequential', 'go', index);
  await durable('instant', 'parallel', 'instant', index);
  const started = performance.now();
  await plain.run('go');
  push('plain', performance.now() - started);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
console.log(
  `four parallel tools (${TOOL_MS.join(', ')} ms; sum ${TOOL_MS.reduce((a, b) => a + b)} ms, slowest ${Math.max(...TOOL_MS)} ms), ${RUNS} runs each, median ms:`,
);
for (const [variant, values] of times) {
  console.log(
    `  ${variant.padEnd(14)} ${median(values).toFixed(1).padStart(8)}   (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`,
  );
}
const parallel = median(times.get('parallel') ?? []);
const instant = median(times.get('instant') ?? []);
console.log(
  `  parallel − (slowest tool + instant run's checkpoints) = ${(parallel - Math.max(...TOOL_MS) - instant).toFixed(1)} ms`,
);
console.log(
  `load average: ${(await import('node:os'))
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);

await worker.shutdown();
await fake.close();
await postgres.stop();
