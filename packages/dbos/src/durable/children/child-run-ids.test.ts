// Run ids with LIKE's own characters (`_`, `%`, `\`): a run's subagent runs are found by their id
// prefix `<runId>/`, which DBOS's listWorkflows matches with LIKE. Real Postgres, no worker: the
// workflows are enqueued by a DBOS client and never run.

import { DBOSClient } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { CHILD_WORKFLOW, RUN_WORKFLOW, RUNS_QUEUE } from '../runs/durable-run-types.ts';

const TOP_RUNS = ['run_1', 'runX1', 'a\\b', 'ab', 'p%', 'pq'];

let client: DBOSClient;
let runs: DurableRuns;
let pool: pg.Pool;
beforeAll(async () => {
  // DBOS's and gemloop's tables already migrated (a copy of the fleet tests' template): the
  // subject is the LIKE match, not the migration (migrate-worker-schema.test.ts).
  const databaseUrl = await workerDatabase('childids');
  client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl, applicationName: 'gemloop' });
  for (const runId of TOP_RUNS) {
    await client.enqueue(
      { workflowName: RUN_WORKFLOW, queueName: RUNS_QUEUE, workflowID: runId },
      'support',
      { input: 'hi' },
    );
    await client.enqueue(
      { workflowName: CHILD_WORKFLOW, queueName: RUNS_QUEUE, workflowID: `${runId}/1.0:call` },
      'support/research',
      { parentWorkflowId: runId, path: ['research'] },
    );
  }
  runs = await createDurableRuns({ databaseUrl });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});
afterAll(async () => {
  await runs?.close();
  await client?.destroy();
  await pool?.end();
});

describe('a run id with LIKE wildcards or a backslash', () => {
  it('childRuns() lists its own subagent runs, and no other run’s', async () => {
    for (const runId of TOP_RUNS) {
      expect((await runs.childRuns(runId)).map((run) => run.runId)).toEqual([`${runId}/1.0:call`]);
    }
  });

  it('cancel() marks its own subagent runs cancelled, not another run’s', async () => {
    await runs.cancel('run_1');
    const { rows } = await pool.query<{ run_id: string }>(
      `SELECT run_id FROM gemloop.approvals WHERE tool_call_id = '' ORDER BY run_id`,
    );
    expect(rows.map((row) => row.run_id)).toEqual(['run_1', 'run_1/1.0:call']);
  });
});
