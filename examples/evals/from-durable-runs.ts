// Evals from a durable fleet's runs: the weather agent runs on a DBOS worker (Postgres: embedded
// here, or DATABASE_URL), its finished runs are read back from Postgres as recorded runs, turned
// into cases, and replayed offline: the same agent passes, a changed prompt shows as drift.
//
//   node scripts/run-example.mjs evals-durable
//
// The command line does the middle step from any project that has @gemloop/dbos installed:
//   npx gemloop eval from-runs --database-url "$DATABASE_URL" --since 7d --out cases.jsonl

import { createDurableRuns, startDurableWorker } from '@gemloop/dbos';
import { readRecordedRuns } from '@gemloop/dbos/recorded-runs';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import {
  caseFromRunFile,
  type EvalAgentContext,
  type EvalCase,
  exactMatch,
  formatSummary,
  runEval,
  toolTrajectory,
} from '@gemloop/evals';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';
import { weatherAgent, weatherAgentOptions } from './weather-agent.ts';

await run(
  async ({ gemini, model }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'evals')
      : postgres.url;
    // 1. A fleet (one worker here, in this process) answers two questions durably.
    const worker = await startDurableWorker({
      databaseUrl,
      agents: { weather: weatherAgentOptions(gemini, model) },
      logLevel: 'error',
    });
    const runs = await createDurableRuns({ databaseUrl });
    try {
      for (const [runId, input] of [
        ['weather-paris', 'What is the weather in Paris?'],
        ['weather-lisbon', 'What is the weather in Lisbon?'],
      ] as const) {
        await runs.start('weather', { runId, input });
        console.log(`${runId}: ${shownAnswer((await runs.result(runId)).text)}`);
      }

      // 2. The runs kept in Postgres, read back as recorded runs and turned into cases.
      const cases: EvalCase[] = [];
      for await (const recorded of readRecordedRuns({ databaseUrl })) {
        const text = recorded.lines.map((line) => JSON.stringify(line)).join('\n');
        const evalCase = caseFromRunFile(text, `postgres:${recorded.runId}`);
        if (evalCase !== undefined) cases.push(evalCase);
      }
      console.log(`Read ${cases.length} durable runs as cases.`);

      // 3. Replayed offline through the fake: the agent as it is, then with a changed prompt.
      const scorers = [exactMatch(), toolTrajectory({ match: 'in-order' })];
      const createAgent = (instructions?: string) => (context: EvalAgentContext) =>
        weatherAgent(context.gemini, model, {
          recordedToolOutput: context.recordedToolOutput,
          ...(instructions === undefined ? {} : { instructions }),
        });
      console.log(
        formatSummary(
          await runEval({ name: 'fleet-baseline', cases, scorers, createAgent: createAgent() }),
        ),
      );
      console.log(
        formatSummary(
          await runEval({
            name: 'fleet-new-prompt',
            cases,
            scorers,
            createAgent: createAgent('Answer in one word.'),
          }),
        ),
      );
    } finally {
      await runs.close();
      await worker.shutdown();
      await postgres.stop();
    }
  },
  {
    description:
      'A durable fleet runs the agent; its Postgres runs become eval cases replayed offline (drift fails).',
  },
);
