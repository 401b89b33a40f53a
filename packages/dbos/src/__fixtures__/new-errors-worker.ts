// A worker whose runs fail with this session's new errors (a test fixture, not library code;
// new-errors-crash.test.ts, everywhere42):
// - `stray`: its client's base URL is an OpenAI-compatible route (FOREIGN_URL), so its first model
//   step ends the run with a ForeignResponseError;
// - `relay`: its subagent `foreigner` (a child workflow) has that client, under `onError: 'throw'`,
//   so the relay's run ends with a SubagentError whose cause is the child's failure.
// Both have the plugin `hold`, whose `endRun` writes the error it ended with to COUNTER_FILE and
// waits while HOLD_DIR holds the run's first word, so the test can SIGKILL the worker between the
// failure's record and the run's end.
// Configured by environment variables: DATABASE_URL, FAKE_URL, FOREIGN_URL, EXECUTOR_ID,
// COUNTER_FILE, HOLD_DIR.
import { appendFileSync, existsSync } from 'node:fs';
import { createAgent, createGemini } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { ForeignResponseError } from '@gemloop/core/errors';
import { definePlugin } from '@gemloop/core/plugins';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';

const env = process.env;
const model = 'gemini-3-flash-preview';
const gemini = createGemini({ apiKey: 'sk-none', baseUrl: env['FAKE_URL'] as string, retry: false });
const foreign = createGemini({ apiKey: 'sk-none', baseUrl: env['FOREIGN_URL'] as string, retry: false });

const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);
const held = (name: string): boolean => existsSync(`${env['HOLD_DIR']}/${name}`);

type Told = Error & { code?: unknown; format?: unknown };

const hold = definePlugin({
  name: 'hold',
  endRun: async (run, { error }) => {
    const user = run.contents[0]?.parts?.[0]?.text ?? '';
    const told = error as (Told & { cause?: Told }) | undefined;
    const cause = told?.cause;
    const seen = [told?.name, told?.code, told?.format, ForeignResponseError.isInstance(told)];
    const under = [cause?.name, cause?.code, cause?.format, ForeignResponseError.isInstance(cause)];
    record(`end ${user} ${JSON.stringify([...seen, ...under])}`);
    while (held(user)) await new Promise((resolve) => setTimeout(resolve, 20));
  },
});

const foreigner = subagent(createAgent({ gemini: foreign, model, instructions: 'FOREIGNER' }), {
  name: 'foreigner',
  description: 'Asks the other model.',
  onError: 'throw',
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
        stray: { gemini: foreign, model, plugins: [hold] },
        relay: { gemini, model, instructions: 'RELAY', tools: [foreigner], plugins: [hold] },
      },
    },
    // No wall clock on the first connect: startWorker's hang guard watches the start (its TSDoc).
    { connectTimeoutMs: 0 },
  );
  process.on('SIGTERM', () => {
    void worker.shutdown().then(() => process.exit(0));
  });
  console.log(`ready ${worker.executorId}`);
}

void main();
