// A durable fork: a support agent's run on a DBOS worker (Postgres: embedded here, or
// DATABASE_URL) is read back from Postgres, replayed to its first step (no model call), and forked
// as a NEW workflow seeded from the history at that step, on the changed agent the fleet also
// serves. The original run and its workflow are never touched.
//
//   node scripts/run-example.mjs change-safety-durable

import type { AgentResult } from '@gemloop/core';
import { createDurableRuns, startDurableWorker } from '@gemloop/dbos';
import { readRecordedRuns } from '@gemloop/dbos/recorded-runs';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import {
  caseFromRunFile,
  diffRuns,
  forkRun,
  formatRunDiff,
  trajectoryFromResults,
  trajectoryFromRunFile,
} from '@gemloop/evals';
import { turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';
import { supportOptions } from './support-agent.ts';

await run(
  async ({ gemini, model }) => {
    const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
    const databaseUrl = postgres.embedded
      ? await createDatabase(postgres.url, 'forks')
      : postgres.url;
    // The fleet serves the agent, and the change to try beside it (another model).
    const worker = await startDurableWorker({
      databaseUrl,
      agents: {
        support: supportOptions(gemini, model),
        'support-lite': supportOptions(gemini, 'gemini-2.5-flash-lite'),
      },
      logLevel: 'error',
    });
    const runs = await createDurableRuns({ databaseUrl });
    try {
      // 1. The original durable run.
      await runs.start('support', {
        runId: 'cancel-ada',
        input: 'Cancel my subscription, I am ada@example.com.',
      });
      const original = await runs.result('cancel-ada');
      console.log(`original (workflow cancel-ada): ${shownAnswer(original.text)}`);

      // 2. Read back from Postgres as a recorded run.
      let text = '';
      for await (const recorded of readRecordedRuns({ databaseUrl, runIds: ['cancel-ada'] })) {
        text = recorded.lines.map((line) => JSON.stringify(line)).join('\n');
      }
      const recording = caseFromRunFile(text, 'postgres:cancel-ada');
      if (recording === undefined) throw new Error('the durable run was not read back');

      // 3. Fork after step 1 as a new workflow of the changed agent, seeded with the history.
      const fork = await forkRun(recording, {
        until: 1,
        continueWith: async (history) => {
          const { runId } = await runs.start('support-lite', {
            runId: 'cancel-ada-fork',
            input: history,
          });
          return (await runs.result(runId)) as AgentResult<unknown>;
        },
      });
      console.log(
        `fork (workflow cancel-ada-fork, ${(await runs.status('cancel-ada-fork'))?.status}): ${fork.forked?.text}`,
      );
      console.log(
        `replayed ${fork.recordedCalls} model call(s) from Postgres's record, drift: ${fork.drift === undefined ? 'none' : fork.drift.reason}`,
      );
      const again = await runs.result('cancel-ada');
      console.log(`original untouched: ${JSON.stringify(again) === JSON.stringify(original)}`);
      process.stdout.write(
        formatRunDiff(
          diffRuns(
            trajectoryFromRunFile(text, 'postgres:cancel-ada'),
            trajectoryFromResults(fork.replayed, fork.forked),
          ),
        ),
      );
    } finally {
      await runs.close();
      await worker.shutdown();
      await postgres.stop();
    }
  },
  {
    description: 'Fork a durable run as a new workflow seeded from its recorded history.',
    // Offline: the original (look up, cancel, answer), then the fork's model skipping the cancel.
    script: [
      turn.call('lookup_subscription', { email: 'ada@example.com' }),
      turn.call('cancel_subscription', { id: 'sub_42' }),
      turn.text('Your subscription sub_42 is cancelled.'),
      turn.text('Done: your subscription is cancelled.'),
    ],
  },
);
