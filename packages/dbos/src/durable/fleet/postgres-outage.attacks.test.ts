import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import {
  createDatabase,
  type EmbeddedPostgres,
  startEmbeddedPostgres,
} from '../../testing/index.ts';

// An operator's bad day: Postgres is away for longer than the fleet's takeover silence
// (`deadAfterMs`, 3 s in this file's workers). Nobody beat while it was away, so when it is back
// every worker's last beat is older than the silence, and the first worker to beat again used to
// read the others as dead and take their runs over while they were still running them: the
// tool each had in flight ran a second time (the takeover re-enqueues the run; its replay runs
// the call that was not recorded yet). A silence the sweeper shared is not evidence of a death.
describe('Postgres away for longer than the takeover silence', () => {
  // Its own server: restarting the suite's would cut every other file's connections.
  let postgres: EmbeddedPostgres;
  let fake: FakeGemini;
  let runs: DurableRuns;
  let databaseUrl: string;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres();
    databaseUrl = await createDatabase(postgres.url, 'outage');
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.some((response) => response.name === 'slow')
          ? turn.text('refund checked')
          : turn.call('slow', { order: '7' }),
    });
    await fake.listen();
    const env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
      // One run a worker: each holds one of the two runs.
      WORKER_CONCURRENCY: '1',
      // The outage is longer than this silence (the fixture's default is 10 minutes).
      DEAD_AFTER_MS: '3000',
    };
    // One after the other: the first migrates the fresh database.
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'outage-a' }));
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'outage-b' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close().catch(() => {});
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
    await postgres?.stop();
  });

  it('takes no live worker’s run over when it is back: each tool in flight runs once', async () => {
    const runIds = ['outage-1', 'outage-2'];
    for (const runId of runIds) writeFileSync(join(holdDirectory, runId), '');
    for (const runId of runIds) await runs.start('support', { runId, input: 'Refund order 7?' });
    // Each worker is inside one run's tool (held there).
    await waitFor(
      () => runIds.every((runId) => counter.count(`start slow ${runId}:`) === 1),
      'both runs to start their slow tool',
    );

    // Away for longer than deadAfterMs (3 s): every worker's last beat is then older than that.
    await postgres.restart({ downMs: 4500 });

    // Back. Both workers beat again; wait until each has beaten for longer than deadAfterMs
    // since (by the server's clock): a takeover of a live worker would have happened by then
    // (it came at the first beat after the outage), and none can come later.
    const client = new pg.Client({ connectionString: databaseUrl });
    await waitFor(
      () =>
        client.connect().then(
          () => true,
          () => false,
        ),
      'Postgres to take connections again',
    );
    try {
      const { rows } = await client.query<{ back: Date }>('SELECT clock_timestamp() AS back');
      const back = rows[0]?.back as Date;
      await waitFor(
        async () => {
          const { rows: beaten } = await client.query<{ beaten: number }>(
            `SELECT count(*)::int AS beaten FROM gemloop.workers
             WHERE seen_at > $1::timestamptz + interval '3500 milliseconds'`,
            [back],
          );
          return beaten[0]?.beaten === 2;
        },
        'both workers to beat for longer than the takeover silence after the outage',
        120_000,
        200,
      );
    } finally {
      await client.end();
    }

    for (const runId of runIds) rmSync(join(holdDirectory, runId));
    for (const runId of runIds) {
      expect((await runs.result(runId)).text).toBe('refund checked');
      // The tool was in flight on a live worker through the outage: it ran once.
      expect(counter.count(`start slow ${runId}:`)).toBe(1);
      expect(counter.count(`done slow ${runId}:`)).toBe(1);
    }
    // Two model calls a run, none made again.
    expect(fake.modelRequests).toHaveLength(4);
  });
});
