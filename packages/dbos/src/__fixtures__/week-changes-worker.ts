// A worker of week-changes-agents.ts' agents (a test fixture, not library code; attack65b). Each
// has the plugin `hold`, whose `endRun` writes how the run ended to COUNTER_FILE and waits while
// HOLD_DIR holds the run's first word, so the test can SIGKILL the worker between the failure's
// record and the run's end. Configured by environment variables: DATABASE_URL, FAKE_URL,
// EXECUTOR_ID, COUNTER_FILE, HOLD_DIR, WORKER_CONCURRENCY (the slots, 4 unless set).
import { appendFileSync, existsSync } from 'node:fs';
import { createGemini } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';
import { weekAgents } from './week-changes-agents.ts';

const env = process.env;
const gemini = createGemini({ apiKey: 'sk-none', baseUrl: env['FAKE_URL'] as string, retry: false });
const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);
const held = (name: string): boolean => existsSync(`${env['HOLD_DIR']}/${name}`);

const hold = definePlugin({
  name: 'hold',
  endRun: async (run, { error }) => {
    const user = run.contents[0]?.parts?.[0]?.text ?? '';
    const told = error as (Error & { cause?: Error }) | undefined;
    record(`end ${user} ${JSON.stringify([told?.name, told?.message, told?.cause?.name])}`);
    while (held(user)) await new Promise((resolve) => setTimeout(resolve, 20));
  },
});

async function main(): Promise<void> {
  const worker = await startDurableWorkerWith(
    {
      databaseUrl: env['DATABASE_URL'] as string,
      executorId: env['EXECUTOR_ID'] as string,
      takeover: false,
      pollingIntervalMs: 100,
      // The crash test holds all its runs at once on one worker: a slot each.
      workerConcurrency: Number(env['WORKER_CONCURRENCY'] ?? '4'),
      logLevel: 'error',
      agents: weekAgents(gemini, [hold]),
    },
    { connectTimeoutMs: 0 },
  );
  process.on('SIGTERM', () => {
    void worker.shutdown().then(() => process.exit(0));
  });
  console.log(`ready ${worker.executorId}`);
}

void main();
