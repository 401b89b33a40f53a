// A worker whose agent's tool throws an error quoting a connection string, an address and
// another Google key (a test fixture, not library code), with `toolErrors: 'throw'`: the run
// fails with that error, which DBOS stores in `workflow_status.error` (redacted-run-error.test.ts).
// Configured by environment variables: DATABASE_URL, FAKE_URL, EXECUTOR_ID, THROWN.
import { createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';

const env = process.env;
const gemini = createGemini({
  apiKey: 'AIzaSyClientOwnKey-0123456789abcdefghij',
  baseUrl: env['FAKE_URL'] as string,
  retry: false,
});
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ id: z.number() }),
  execute: () => {
    const error = new Error(env['THROWN'] as string) as Error & Record<string, unknown>;
    error['code'] = 'ECONNREFUSED';
    error['connection'] = env['THROWN'];
    error.cause = new Error(`cause: ${env['THROWN'] as string}`);
    throw error;
  },
});

async function main(): Promise<void> {
  const worker = await startDurableWorkerWith(
    {
      databaseUrl: env['DATABASE_URL'] as string,
      executorId: env['EXECUTOR_ID'] as string,
      takeover: false,
      pollingIntervalMs: 100,
      logLevel: 'error',
      agents: {
        orders: { gemini, model: 'gemini-3-flash-preview', tools: [lookup], toolErrors: 'throw' },
      },
    },
    {},
  );
  process.on('SIGTERM', () => {
    void worker.shutdown().then(() => process.exit(0));
  });
  console.log(`ready ${worker.executorId}`);
}

void main();
