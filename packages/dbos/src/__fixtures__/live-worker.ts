// A worker process that holds durable live sessions (a test fixture, not library code).
// Configured by environment variables: DATABASE_URL, EXECUTOR_ID, SESSIONS (JSON: a list of
// `{ id, liveUrl, say? }`, one session each against its own fake Live server, `say` the text it
// sends once open, none when it continues a session), COUNTER_FILE (each execution of long_report
// appends `start|done long_report <key>`, of quick_note `note <text> <key>`; the key names the
// session), HOLD_DIR (while a file named after a session's id is there, that session's
// long_report waits: the test kills the worker first). Each event is printed as
// `event <session id> <json>`.
// Several sessions in one process let one kill end several crash scenarios (a worker start and a
// kill cost seconds of CPU); each session has its own fake because a fake's script is a sequence
// per connection, which two sessions' connections would interleave.
// Each agent has a third party's plugin (public imports only) whose `wrapToolCall` reports
// `tool-wait` before a call's tool starts and `tool-done` once it answered, through its run: a
// live session's plugin hooks run in the session's process around a background tool's workflow,
// and are run again for a call a resumed session owes (the crash test reads both processes').
import { appendFileSync, existsSync } from 'node:fs';
import { createGemini, defineTool } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { z } from 'zod';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';
import { durableContext } from '../index.ts';

const env = process.env;
const sessions = JSON.parse(env['SESSIONS'] as string) as {
  id: string;
  liveUrl: string;
  say?: string;
}[];
const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);
/** A call's key is `gemloop.live:<session id>:<call key>`: its session's hold file holds it. */
const held = (key: string): boolean =>
  sessions.some(
    ({ id }) => key.startsWith(`gemloop.live:${id}:`) && existsSync(`${env['HOLD_DIR']}/${id}`),
  );

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
    while (held(key)) await new Promise((resolve) => setTimeout(resolve, 20));
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

const toolReports = definePlugin({
  name: 'tool-reports',
  async wrapToolCall(call, next, run) {
    run.emit('tool-wait', { call: call.toolCallId });
    const execution = await next();
    run.emit('tool-done', { call: call.toolCallId, outcome: execution.type });
    return execution;
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
      // One agent a session, for its own fake (the store ties a session to its agent's name: the
      // index, as the list is the same when the worker starts again).
      agents: Object.fromEntries(
        sessions.map(({ liveUrl }, index) => [
          `voice${index}`,
          {
            gemini: createGemini({ apiKey: 'test-key', baseUrl: liveUrl, retry: false }),
            model: 'gemini-3.1-flash-live-preview',
            instructions: 'You write reports.',
            tools: [longReport, quickNote],
            plugins: [toolReports],
          },
        ]),
      ),
    },
    // No wall clock on the first connect: startWorker's hang guard watches the start (its TSDoc).
    { connectTimeoutMs: 0 },
  );
  console.log(`ready ${worker.executorId}`);
  await Promise.all(
    sessions.map(async ({ id, say }, index) => {
      const session = await worker.openLiveSession(`voice${index}`, { sessionId: id });
      if (say !== undefined) session.sendText(say);
      for await (const event of session) console.log(`event ${id} ${JSON.stringify(event)}`);
    }),
  );
}

void main();
