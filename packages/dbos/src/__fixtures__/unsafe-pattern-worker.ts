// A worker whose agents' tools hold a regex that backtracks exponentially (a test fixture, not
// library code): `refused` as written (its durable runs must fail before their first model call),
// `trusted` with the same pattern marked by allowUnsafePatterns (its runs run). Its own file, not
// worker.ts: that worker starts ~80 times a run, and this tool loads the pattern analysis
// (~150 ms of import) in every process that defines it.
// Configured by environment variables: DATABASE_URL, FAKE_URL, EXECUTOR_ID.
import { createGemini, defineTool } from '@gemloop/core';
import { allowUnsafePatterns } from '@gemloop/core/tools';
import { z } from 'zod';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';

const env = process.env;
const gemini = createGemini({ apiKey: 'test-key', baseUrl: env['FAKE_URL'] as string, retry: false });
const model = 'gemini-3-flash-preview';
const codes = () => z.object({ code: z.string().regex(/^(a+)+$/) });
const lookupCode = (parameters: ReturnType<typeof codes>) =>
  defineTool({
    name: 'lookup_code',
    description: 'Looks a code up.',
    parameters,
    execute: ({ code }) => ({ code, found: true }),
  });

// Started in a function, not with top-level awaits (as the other fixture workers). A failed start
// still ends the process with the error (an unhandled rejection).
async function main(): Promise<void> {
  const worker = await startDurableWorkerWith(
    {
      databaseUrl: env['DATABASE_URL'] as string,
      executorId: env['EXECUTOR_ID'] as string,
      takeover: false,
      pollingIntervalMs: 100,
      logLevel: 'error',
      agents: {
        refused: { gemini, model, tools: [lookupCode(codes())] },
        trusted: { gemini, model, tools: [lookupCode(allowUnsafePatterns(codes()))] },
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
