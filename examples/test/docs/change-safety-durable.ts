// Guide "Change safety", durable runs (typechecked; the example change-safety/durable-fork.ts
// runs the same on an embedded Postgres).
import type { AgentResult } from '@gemloop/core';
import { createDurableRuns } from '@gemloop/dbos';
import { readRecordedRuns } from '@gemloop/dbos/recorded-runs';
import { caseFromRunFile, forkRun } from '@gemloop/evals';

const databaseUrl = process.env['DATABASE_URL'] as string;
const runs = await createDurableRuns({ databaseUrl });
let text = '';
for await (const recorded of readRecordedRuns({ databaseUrl, runIds: ['cancel-ada'] })) {
  text = recorded.lines.map((line) => JSON.stringify(line)).join('\n');
}
const recording = caseFromRunFile(text, 'postgres:cancel-ada');
if (recording === undefined) throw new Error('no such finished run');

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
console.log(fork.forked?.text);
