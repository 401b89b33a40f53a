// A worker process that holds one durable live session (a test fixture, not library code).
// Configured by environment variables: DATABASE_URL, LIVE_URL (the fake Live server), EXECUTOR_ID,
// SESSION_ID, COUNTER_FILE (each execution of long_report appends `start|done long_report <key>`,
// of quick_note `note <text> <key>`),
// HOLD_DIR (while a file named SESSION_ID is there, the tool waits: the test kills the worker
// first), SAY (text the session sends once open; none when it continues a session).
import { appendFileSync, existsSync } from 'node:fs';
import { createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';
import { durableContext } from '../index.ts';

const env = process.env;
const sessionId = env['SESSION_ID'] as string;
const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);
const held = (): boolean => existsSync(`${env['HOLD_DIR']}/${sessionId}`);

const longReport = defineTool({
  name: 'long_report',
  description: 'Writes a report. Takes minutes.',
  parameters: z.object({ topic: z.string() }),
  behavior: 'NON_BLOCKING',
  scheduling: 'WHEN_IDLE',
  execute: async ({ topic }, context) => {
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    record(`start long_report ${key}`);
    // "Minutes" stand for a wait the test ends: no clock races the kill.
    while (held()) await new Promise((resolve) => setTimeout(resolve, 20));
    record(`done long_report ${key}`);
    return { topic, pages: 3 };
  },
});

const quickNote = defineTool({
  name: 'quick_note',
  description: 'Notes something down. Never waits.',
  parameters: z.object({ text: z.string() }),
  behavior: 'NON_BLOCKING',
  scheduling: 'WHEN_IDLE',
  execute: async ({ text }, context) => {
    record(`note ${text} ${durableContext(context)?.idempotencyKey ?? 'none'}`);
    return { note: text };
  },
});

// Started in a function, not with top-level awaits: the bundle that runs this file is a script
// (CommonJS), so that V8's code cache serves its start (scripts/bundle-fixture.ts). A failed start
// still ends the process with the error (an unhandled rejection).
async function main(): Promise<void> {
  const worker = await startDurableWorkerWith(
    {
      databaseUrl: env['DATABASE_URL'] as string,
      executorId: env['EXECUTOR_ID'] as string,
      takeover: false,
      pollingIntervalMs: 100,
      agents: {
        voice: {
          gemini: createGemini({ apiKey: 'test-key', baseUrl: env['LIVE_URL'] as string, retry: false }),
          model: 'gemini-3.1-flash-live-preview',
          instructions: 'You write reports.',
          tools: [longReport, quickNote],
        },
      },
    },
    {},
  );
  console.log(`ready ${worker.executorId}`);
  const session = await worker.openLiveSession('voice', { sessionId });
  if (env['SAY'] !== undefined) session.sendText(env['SAY']);
  for await (const event of session) console.log(`event ${JSON.stringify(event)}`);
}

void main();
