// docs/live-agents.md, "Durable background tools": a live session whose background tools run as
// DBOS workflows on a worker (typechecked only: it needs Postgres and the Live API;
// packages/dbos/src/live/durable-live-session.crash.test.ts runs it against both fakes).
import { createGemini, defineTool } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { z } from 'zod';

const databaseUrl = process.env.DATABASE_URL!;
const gemini = createGemini();
const model = 'gemini-3.1-flash-live-preview';
const callId = process.argv[2] ?? 'demo';
const longReport = defineTool({
  name: 'long_report',
  description: 'Builds a long report; slow, so it runs in the background.',
  parameters: z.object({ topic: z.string() }),
  behavior: 'NON_BLOCKING',
  execute: async ({ topic }) => ({ topic, pages: 12 }),
});

const worker = await startDurableWorker({
  databaseUrl,
  agents: { voice: { gemini, model, tools: [longReport] } },
});
// The user's call; after a crash or a deploy, the same sessionId opened on any worker continues it.
const session = await worker.openLiveSession('voice', { sessionId: `call-${callId}` });

export { session };
