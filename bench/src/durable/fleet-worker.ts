/**
 * One worker process of the fleet bench (`fleet-bench.ts` starts 1, 2 or 4 of them). Configured
 * by environment variables: DATABASE_URL, FAKE_URL, POLLING_MS (the queue poll; unset: the
 * worker's default), CONCURRENCY, RATE_LIMIT=1 (a fleet rate limit never reached), POOL_SIZE
 * (DBOS's pool), BATCH_MS (event batching), TRACE=1 (on SIGUSR1: time spent in DBOS's calls and
 * the event loop's delay, for `fleet-probe.ts`). Prints `ready <executorId>` once DBOS is launched, and answers
 * SIGUSR2 with `usage <cpuMicros> <rssBytes>` (its CPU time so far and its resident memory).
 *
 * Agents: `steps` looks an order up once per model turn (one tool call per agent step) until the
 * fake answers with text; `approver` asks for a refund that needs approval (the run pauses);
 * `long` calls a tool that waits LONG_MS (a run in flight that holds a worker slot).
 */
import { createGemini, defineTool } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { z } from 'zod';

const env = process.env;
const gemini = createGemini({ apiKey: 'bench', baseUrl: env['FAKE_URL'] as string });
const model = 'gemini-3-flash-preview';
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }) => ({ order, status: 'shipped' }),
});
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }) => ({ order, refunded: true }),
});
const longMs = Number(env['LONG_MS'] ?? '600000');
const wait = defineTool({
  name: 'wait',
  description: 'Waits a long time.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }, context) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, longMs);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { order };
  },
});

const worker = await startDurableWorker({
  databaseUrl: env['DATABASE_URL'] as string,
  agents: {
    steps: { gemini, model, tools: [lookup] },
    approver: { gemini, model, tools: [refund], needsApproval: ['refund'] },
    long: { gemini, model, tools: [wait] },
  },
  workerConcurrency: Number(env['CONCURRENCY'] ?? '64'),
  ...(env['POLLING_MS'] === undefined ? {} : { pollingIntervalMs: Number(env['POLLING_MS']) }),
  // The limiter/steering scenario: a fleet limit the bench never reaches, so only its cost shows.
  ...(env['RATE_LIMIT'] === '1'
    ? { modelRateLimits: { [model]: { requests: 100_000, periodMs: 60_000 } } }
    : {}),
  ...(env['POOL_SIZE'] === undefined ? {} : { systemDatabasePoolSize: Number(env['POOL_SIZE']) }),
  ...(env['BATCH_MS'] === undefined ? {} : { eventBatching: { batchMs: Number(env['BATCH_MS']) } }),
  logLevel: 'error',
  applicationVersion: 'fleet-bench',
});

process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`usage ${user + system} ${process.memoryUsage().rss}\n`);
});
process.on('SIGTERM', () => {
  void worker.shutdown().finally(() => process.exit(0));
});
process.stdout.write(`ready ${worker.executorId}\n`);

// PROBE: TRACE=1 logs how long DBOS's step and message calls take in this worker.
if (env['TRACE'] === '1') {
  const { DBOS } = await import('@dbos-inc/dbos-sdk');
  const totals = new Map<string, { n: number; ms: number; max: number }>();
  const wrap = (name: string, key: (args: unknown[]) => string): void => {
    const target = DBOS as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = target[name] as (...args: unknown[]) => Promise<unknown>;
    target[name] = async function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        const k = `${name}:${key(args)}`;
        const entry = totals.get(k) ?? { n: 0, ms: 0, max: 0 };
        const ms = performance.now() - t0;
        entry.n++;
        entry.ms += ms;
        entry.max = Math.max(entry.max, ms);
        totals.set(k, entry);
      }
    };
  };
  wrap('recv', () => '');
  wrap(
    'runStep',
    (args) => String((args[1] as { name?: string } | undefined)?.name).split('@')[0] ?? '',
  );
  wrap('writeStream', () => '');
  const { monitorEventLoopDelay, performance: perf } = await import('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const elu = perf.eventLoopUtilization();
  process.on('SIGUSR1', () => {
    process.stdout.write(
      `trace loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} p99 ${(delay.percentile(99) / 1e6).toFixed(1)} max ${(delay.max / 1e6).toFixed(0)} ms, utilization ${perf.eventLoopUtilization(elu).utilization.toFixed(2)}, cpu ${(process.cpuUsage().user / 1e6).toFixed(1)} s\n`,
    );
    for (const [k, v] of totals)
      process.stdout.write(
        `trace ${k} n=${v.n} mean=${(v.ms / v.n).toFixed(1)} max=${v.max.toFixed(0)}\n`,
      );
  });
}
