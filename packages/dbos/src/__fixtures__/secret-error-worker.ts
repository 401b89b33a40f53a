// A worker whose agents fail with errors quoting a connection string, an address and keys (a test
// fixture, not library code):
// - `orders`: its tool throws THROWN, with `toolErrors: 'throw'`: the run fails with that error,
//   which DBOS stores in `workflow_status.error` (redacted-run-error.test.ts);
// - `vault`: a recorded plugin hook (`beforeModelCall`) throws HOOK_THROWN with a `code`; the
//   plugin's `endRun` writes the error it ended with to COUNTER_FILE and waits while HOLD_DIR
//   holds the run's first word, so a test can kill the worker between the hook's record and the
//   run's end (recorded-error.test.ts);
// - `voice`: a Live agent whose background tool throws LIVE_THROWN; with LIVE_URL and SESSION_ID
//   set, the worker opens that durable live session once ready (recorded-error.test.ts);
// - `desk`: an agent whose subagent `clerk` (a child workflow) fails: its model answers words
//   where JSON is asked (the test's fake says the key, a password and an address there)
//   (recorded-error.test.ts);
// - `chief`: its subagent `deputy` (a child workflow) calls the same clerk under
//   `onError: 'throw'`, so the deputy fails with a SubagentError, which ends the chief's run; the
//   chief's plugin `hold` writes the error it ended with to COUNTER_FILE and waits while HOLD_DIR
//   holds the run's first word (a test kills the worker there: the replay must end the same way);
// - `front`: hands the run to `records`, whose subagent `shelf` the worker did not prepare (it
//   runs as one step, `gemloop.subagent:shelf`): its plugin throws ARCHIVE_THROWN.
// The `vault` and `voice` agents' client has a gateway's key (GATEWAY_KEY), no Google key shape:
// only the run's keys take it out of a stored error.
// With READ_BACK (a run id), the worker starts an `orders` run under that id once ready and reads
// its failure back in its own process (`worker.runs.result()`), printing `read-back [...]` with
// what the error's class checks say (redacted-run-error.test.ts, errors43).
// Configured by environment variables: DATABASE_URL, FAKE_URL, EXECUTOR_ID, THROWN, and those above.
import { appendFileSync, existsSync } from 'node:fs';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { ToolExecutionError } from '@gemloop/core/errors';
import { definePlugin } from '@gemloop/core/plugins';
import { z } from 'zod';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';
import { DurableRunError } from '../errors/durable-run-error.ts';

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

const thrown = (text: string | undefined): Error => {
  const error = new Error(text) as Error & { code: string };
  error.code = 'ECONNREFUSED';
  return error;
};
const gateway = (baseUrl: string | undefined) =>
  createGemini({
    apiKey: env['GATEWAY_KEY'] ?? 'sk-none',
    ...(baseUrl === undefined ? {} : { baseUrl }),
    retry: false,
  });
// A subagent that must answer JSON: the fake makes its model answer words instead, so its child
// workflow fails with core's OutputValidationError, which carries the model's raw text.
const clerkAgent = createAgent({
  gemini: gateway(env['FAKE_URL']),
  model: 'gemini-3-flash-preview',
  instructions: 'CLERK',
  output: z.object({ vault: z.string() }),
  maxReasks: 0,
});
const clerk = subagent(clerkAgent, { name: 'clerk', description: 'Reads the vault.' });
const deputy = subagent(
  createAgent({
    gemini: gateway(env['FAKE_URL']),
    model: 'gemini-3-flash-preview',
    instructions: 'DEPUTY',
    tools: [
      subagent(clerkAgent, { name: 'clerk', description: 'Reads the vault.', onError: 'throw' }),
    ],
  }),
  { name: 'deputy', description: 'Has the vault read.' },
);
const records = createAgent({
  gemini: gateway(env['FAKE_URL']),
  model: 'gemini-3-flash-preview',
  name: 'records',
  instructions: 'RECORDS',
  tools: [
    subagent(
      createAgent({
        gemini: gateway(env['FAKE_URL']),
        model: 'gemini-3-flash-preview',
        instructions: 'SHELF',
        plugins: [
          definePlugin({
            name: 'shelf',
            beforeModelCall: () => {
              throw thrown(env['ARCHIVE_THROWN']);
            },
          }),
        ],
      }),
      { name: 'shelf', description: 'Reads the shelf.' },
    ),
  ],
});

const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);
const held = (name: string): boolean => existsSync(`${env['HOLD_DIR']}/${name}`);

const vault = definePlugin({
  name: 'vault',
  recorded: ['beforeModelCall'],
  beforeModelCall: (_call, run) => {
    record(`vault check ${run.contents[0]?.parts?.[0]?.text ?? ''}`);
    throw thrown(env['HOOK_THROWN']);
  },
  endRun: async (run, { error }) => {
    const user = run.contents[0]?.parts?.[0]?.text ?? '';
    const told = error as (Error & { code?: unknown; cause?: { code?: unknown } }) | undefined;
    record(`vault end ${user} ${JSON.stringify([told?.name, told?.message, told?.cause?.code])}`);
    while (held(user)) await new Promise((resolve) => setTimeout(resolve, 20));
  },
});

const hold = definePlugin({
  name: 'hold',
  endRun: async (run, { error }) => {
    const user = run.contents[0]?.parts?.[0]?.text ?? '';
    const told = error as
      | (Error & { code?: unknown; toolName?: unknown; cause?: Error & { code?: unknown } })
      | undefined;
    const seen = [told?.name, told?.code, told?.toolName, told?.message];
    record(`chief end ${user} ${JSON.stringify([...seen, told?.cause?.name, told?.cause?.message])}`);
    while (held(user)) await new Promise((resolve) => setTimeout(resolve, 20));
  },
});

const report = defineTool({
  name: 'vault_report',
  description: 'Writes a report from the vault.',
  parameters: z.object({ topic: z.string() }),
  behavior: 'NON_BLOCKING',
  execute: () => {
    throw thrown(env['LIVE_THROWN']);
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
        vault: { gemini: gateway(env['FAKE_URL']), model: 'gemini-3-flash-preview', plugins: [vault] },
        desk: {
          gemini: gateway(env['FAKE_URL']),
          model: 'gemini-3-flash-preview',
          instructions: 'DESK',
          tools: [clerk],
        },
        chief: {
          gemini: gateway(env['FAKE_URL']),
          model: 'gemini-3-flash-preview',
          instructions: 'CHIEF',
          tools: [deputy],
          plugins: [hold],
        },
        front: {
          gemini: gateway(env['FAKE_URL']),
          model: 'gemini-3-flash-preview',
          instructions: 'FRONT',
          tools: [handoff(records)],
        },
        voice: {
          gemini: gateway(env['LIVE_URL']),
          model: 'gemini-3.1-flash-live-preview',
          tools: [report],
        },
      },
    },
    // No wall clock on the first connect: startWorker's hang guard watches the start (its TSDoc).
    { connectTimeoutMs: 0 },
  );
  process.on('SIGTERM', () => {
    void worker.shutdown().then(() => process.exit(0));
  });
  console.log(`ready ${worker.executorId}`);
  const readBack = env['READ_BACK'];
  if (readBack !== undefined) {
    await worker.runs.start('orders', { runId: readBack, input: 'Find order 7.' });
    const error = await worker.runs.result(readBack).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    const cause = (error as { cause?: unknown } | undefined)?.cause;
    const seen = [
      DurableRunError.isInstance(error),
      ToolExecutionError.isInstance(cause),
      cause instanceof ToolExecutionError,
      (cause as { toolName?: unknown } | undefined)?.toolName,
    ];
    console.log(`read-back ${JSON.stringify(seen)}`);
  }
  const sessionId = env['SESSION_ID'];
  if (env['LIVE_URL'] === undefined || sessionId === undefined) return;
  const session = await worker.openLiveSession('voice', { sessionId });
  session.sendText('Write the vault report.');
  for await (const event of session) console.log(`event ${JSON.stringify(event)}`);
}

void main();
