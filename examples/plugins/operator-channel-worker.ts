// A durable worker process whose agent has the operator's channel (the crash test of
// operator-channel-durable.test.ts; a test fixture, not an example to copy). Configured by
// environment variables: DATABASE_URL, FAKE_URL (the scripted crash fake), EXECUTOR_ID,
// COUNTER_FILE (each execution of the slow tool appends `start|done slow <key>`), HOLD_DIR (while
// a file named after the run id is there, the slow tool waits: the test kills the worker first).
import { appendFileSync, existsSync } from 'node:fs';
import { createGemini, defineTool } from '@gemloop/core';
import { durableContext, startDurableWorker } from '@gemloop/dbos';
import { z } from 'zod';
import { operatorChannel } from './operator-channel-plugin.ts';

const env = process.env;
const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);
const runOf = (key: string): string => (key.split('/')[0] as string).split(':')[0] as string;
const held = (key: string): boolean => existsSync(`${env['HOLD_DIR']}/${runOf(key)}`);

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped' }),
});

const slow = defineTool({
  name: 'slow',
  description: 'Takes a while.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }, context) => {
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    record(`start slow ${key}`);
    while (held(key) && !context.signal.aborted)
      await new Promise((resolve) => setTimeout(resolve, 20));
    record(`done slow ${key}`);
    return { order, refunded: false };
  },
});

const worker = await startDurableWorker({
  databaseUrl: env['DATABASE_URL'] as string,
  executorId: env['EXECUTOR_ID'] as string,
  pollingIntervalMs: 100,
  takeover: { heartbeatMs: 300, deadAfterMs: 3000 },
  logLevel: 'error',
  agents: {
    operated: {
      gemini: createGemini({
        apiKey: 'test-key',
        baseUrl: env['FAKE_URL'] as string,
        retry: false,
      }),
      model: 'gemini-3-flash-preview',
      tools: [lookup, slow],
      plugins: [operatorChannel()],
    },
  },
});
process.stdout.write(`ready ${worker.executorId}\n`);
process.on('SIGTERM', () => {
  void worker.shutdown().then(() => process.exit(0));
});
