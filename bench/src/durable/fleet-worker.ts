/**
 * One worker process of the fleet bench (`fleet-bench.ts` starts 1, 2 or 4 of them). Configured
 * by environment variables: DATABASE_URL, FAKE_URL, POLLING_MS (the queue poll; unset: the
 * worker's default), CONCURRENCY. Prints `ready <executorId>` once DBOS is launched, and answers
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
