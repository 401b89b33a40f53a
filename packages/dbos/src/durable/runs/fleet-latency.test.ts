import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { RUN_WORKFLOW, RUNS_QUEUE } from './durable-run-types.ts';
import { migrateRunEndNotices } from './run-end-notices.ts';

describe('start and finish without waiting on a poll (issue 35)', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let databaseUrl: string;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses[0] === undefined
          ? turn.call('lookup', { order: '7' })
          : turn.text('done'),
    });
    await fake.listen();
    databaseUrl = await workerDatabase('run_end');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      POLLING_MS: 'default',
    });
    // A poll of ten minutes: a result() that polled would outlast the test's time limit, so
    // these runs' results come back only through the end notice.
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 600_000 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('a worker joining a running fleet installs nothing: no exclusive lock on workflow_status', async () => {
    // Another session reads the table inside an open transaction, as DBOS's own do all the time.
    const reader = new pg.Client({ connectionString: databaseUrl });
    await reader.connect();
    // A joining worker's migration, with a bound on how long it may wait for a lock.
    const joining = new pg.Pool({
      connectionString: databaseUrl,
      max: 1,
      options: '-c lock_timeout=2000',
    });
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM dbos.workflow_status');
      // Recreating the trigger (the first worker installed it) would need the table to itself:
      // it would wait behind the reader and fail on lock_timeout.
      await expect(migrateRunEndNotices(joining)).resolves.toBeUndefined();
    } finally {
      await reader.query('ROLLBACK').catch(() => {});
      await reader.end();
      await joining.end();
    }
  });

  it('returns the result when the run ends, not at the next poll', async () => {
    const { runId } = await runs.start('support', { runId: 'ends-1', input: 'where is 7' });
    expect((await runs.result(runId)).text).toBe('done');
  });

  it('ends a run whose id is longer than a NOTIFY payload may be', async () => {
    // pg_notify refuses payloads of 8000 bytes or more; the trigger sends a digest of the id,
    // so DBOS's status write, in whose transaction it fires, cannot fail on it. The runs API
    // refuses ids past 1024 bytes before Postgres sees them (check-id.ts), but the trigger fires
    // for every workflow in the database: one enqueued by a DBOS client of its own (another tool
    // of the fleet's) must still end.
    const runId = `long-${'x'.repeat(9000)}`;
    const client = await DBOSClient.create({
      systemDatabaseUrl: databaseUrl,
      applicationName: 'gemloop',
    });
    try {
      await client.enqueue(
        { workflowName: RUN_WORKFLOW, queueName: RUNS_QUEUE, workflowID: runId },
        'support',
        { input: 'where is 7' },
      );
      const result = (await client
        .retrieveWorkflow(runId)
        .getResult({ pollingIntervalMs: 50 })) as { text?: unknown };
      expect(result.text).toBe('done');
      expect((await client.getWorkflow(runId))?.status).toBe('SUCCESS');
    } finally {
      await client.destroy();
    }
  });

  it("a worker polls the runs queue every 50 ms by default, not DBOS's 1 s", async () => {
    // DBOS 5.3 has no notification for an enqueued workflow: its queue runner polls each queue
    // every minPollingIntervalMs (wfqueue.js, defaultMinPollingIntervalMs = 1000), which a
    // database-backed queue stores in dbos.queues for the whole fleet.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ seconds: number }>(
        `SELECT polling_interval_sec AS seconds FROM dbos.queues WHERE name = 'gemloop.runs'`,
      );
      expect(rows).toEqual([{ seconds: 0.05 }]);
    } finally {
      await client.end();
    }
  });
});
