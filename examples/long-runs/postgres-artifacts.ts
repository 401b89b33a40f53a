// Tool results kept aside in Postgres: the agent's `toolOutput` budget cuts a long result to 100
// tokens and keeps the whole of it in a Postgres artifact store (`@gemloop/dbos`); the model reads
// the rest back with `read_tool_output`. The table outlives the process: a second store (another
// process, tomorrow's) reads the same artifact. Postgres is embedded here, or DATABASE_URL.
//
// Offline, the fake plays the model: it calls the tool, then reads back the slice the marker
// points at, then answers from what it read.
//
//   node scripts/run-example.mjs long-runs-postgres

import { createAgent, defineTool } from '@gemloop/core';
import { readToolOutputTool, TRUNCATED_RESULT_KEY, toolOutput } from '@gemloop/core/compaction';
import { createPostgresArtifactStore } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const readReport = defineTool({
  name: 'read_report',
  description: 'Reads the harbour report.',
  parameters: z.object({}),
  execute: () => ({
    text: `${'Routine entries of the harbour office. '.repeat(60)}Last line: the lighthouse was repainted red.`,
  }),
});

// Offline: read the report, then the part the budget cut off, then answer from it.
const script: FakeScriptFunction = (_request, { functionResponses }) => {
  const response = functionResponses.at(-1)?.response;
  if (response === undefined) return turn.call('read_report', {});
  const marker = response[TRUNCATED_RESULT_KEY];
  if (typeof marker === 'string') {
    const id = /id "([^"]+)"/.exec(marker)?.[1] ?? 'missing';
    return turn.call('read_tool_output', { id, offset: 1500, length: 2000 });
  }
  const last = /Last line: [^"]+/.exec(String(response['text']))?.[0] ?? 'not found';
  return turn.text(`(scripted) ${last}`);
};

await run(
  async ({ gemini, model }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'artifacts')
      : postgres.url;
    const artifacts = createPostgresArtifactStore({ connectionString: databaseUrl });
    try {
      const agent = createAgent({
        gemini,
        model,
        tools: [readReport, readToolOutputTool(artifacts)],
        // Only the report is capped; read_tool_output's slices are never cut again.
        toolOutput: toolOutput({ maxTokens: 100, artifacts }),
      });
      const result = await agent.run('How does the harbour report end?');
      const [cut] = result.steps.flatMap((step) => step.toolCalls);
      console.log(`marker: ${String(cut?.response.response[TRUNCATED_RESULT_KEY])}`);
      console.log(`answer: ${shownAnswer(result.text)}`);

      // Another store on the same table (another process, a restart) reads the same artifact.
      const id = /id "([^"]+)"/.exec(String(cut?.response.response[TRUNCATED_RESULT_KEY]))?.[1];
      const later = createPostgresArtifactStore({ connectionString: databaseUrl });
      const kept = id === undefined ? undefined : await later.get(id);
      console.log(`kept in Postgres: ${kept?.length ?? 0} characters`);
      await later.close();
    } finally {
      await artifacts.close();
      await postgres.stop();
    }
  },
  { script },
);
