// docs/interactions-api.md, "Durable background runs": an agent whose model calls run as background
// interactions in a durable worker (typechecked only: it needs Postgres).
import { createGemini, defineTool } from '@gemloop/core';
import { interactionsApi } from '@gemloop/core/interactions';
import { startDurableWorker } from '@gemloop/dbos';
import { z } from 'zod';

const databaseUrl = process.env.DATABASE_URL!;
const gemini = createGemini();
const search = defineTool({
  name: 'search',
  description: 'Searches the web.',
  parameters: z.object({ query: z.string() }),
  execute: ({ query }) => ({ query, results: [] }),
});

await startDurableWorker({
  databaseUrl,
  agents: {
    researcher: {
      gemini,
      model: 'gemini-3-pro-preview',
      tools: [search],
      api: interactionsApi({
        background: { pollIntervalMs: 2_000, maxPollIntervalMs: 30_000 },
      }),
    },
  },
});
