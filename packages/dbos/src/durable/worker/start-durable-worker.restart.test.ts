import { createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { MixedFleetError, WorkerAlreadyRunningError } from '../../index.ts';
import type { DurableWorker } from './durable-worker.ts';
import { startDurableWorker } from './start-durable-worker.ts';

// DBOS is one per process, and its registry of workflows outlives `DBOS.shutdown()` unless told
// otherwise: a second worker started in a process whose first one had shut down was refused by
// DBOS ("Operation (Name: .gemloop.child) is already registered"), and so was the next test file
// to launch a worker in the same Vitest worker (the CI run of 2026-12-02). A process restarts its
// worker (a reload, a test's second worker); a second worker beside a running one is refused,
// typed, before anything is touched, and the running one goes on.

const model = 'gemini-2.5-flash';

let fake: FakeGemini;
let databaseUrl: string;
const started: DurableWorker[] = [];

beforeAll(async () => {
  fake = createFakeGemini({ script: () => turn.text('done') });
  await fake.listen();
  databaseUrl = await workerDatabase('worker_restart');
}, 120_000);

afterAll(async () => {
  for (const worker of started) await worker.shutdown().catch(() => {});
  await fake?.close();
});

async function start(executorId: string, applicationVersion?: string): Promise<DurableWorker> {
  const gemini = createGemini({ apiKey: 'k', baseUrl: fake.url, retry: { maxRetries: 0 } });
  const worker = await startDurableWorker({
    databaseUrl,
    executorId,
    agents: { helper: { gemini, model } },
    logLevel: 'error',
    // Beats every 300 ms, as the fixture worker's. A start with an id whose row beat lately (the
    // first worker's, shut down) watches that row for two beats before it takes the id
    // (worker-liveness.ts `checkExecutorIdFree`): with the 2 s default the first test's third
    // start waited 4.1 s idle. At 300 ms the running worker finds the first one's session ended
    // two beats after its last (0.6 s) and takes its row away, and a watch would be 0.7 s
    // (bench/RESULTS.md, helper speed-dbos2). What the test checks, DBOS's registry, is the same.
    takeover: { heartbeatMs: 300 },
    ...(applicationVersion === undefined ? {} : { applicationVersion }),
  });
  started.push(worker);
  return worker;
}

async function answer(worker: DurableWorker): Promise<string> {
  const { runId } = await worker.runs.start('helper', { input: 'Go.' });
  return (await worker.runs.result(runId)).text;
}

describe('startDurableWorker: one worker per process, started again after a shutdown', () => {
  it('a worker started after the first shut down takes runs; one beside a running worker is refused', async () => {
    const first = await start('restart-a');
    expect(await answer(first)).toBe('done');
    await first.shutdown();

    const second = await start('restart-b');
    expect(await answer(second)).toBe('done');

    const refused = await start('restart-c').catch((error: unknown) => error);
    expect(WorkerAlreadyRunningError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ executorId: 'restart-c', runningExecutorId: 'restart-b' });
    expect((refused as Error).message).toContain('shutdown()');
    expect(await answer(second)).toBe('done');
    await second.shutdown();

    const third = await start('restart-a');
    expect(await answer(third)).toBe('done');
    await third.shutdown();
  });

  it('two started at once: one runs, the other is refused typed and leaves the registry to it', async () => {
    const settled = await Promise.allSettled([start('together-a'), start('together-b')]);
    const ran = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const refused = settled.flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    expect(ran).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(WorkerAlreadyRunningError.isInstance(refused[0])).toBe(true);
    const [running] = ran as [DurableWorker];
    expect(await answer(running)).toBe('done');
    await running.shutdown();
    expect(await answer(await start('together-c'))).toBe('done');
  });

  it('a start refused after its workflows were registered leaves none: the next start takes runs', async () => {
    for (const worker of started) await worker.shutdown().catch(() => {});
    // A live worker of the same application version in another storage format's fleet: the
    // version fence refuses the start after registration, before DBOS's launch. Before, that
    // refusal left the registry full and the next start failed "already registered".
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query(
        `INSERT INTO gemloop.workers (app, executor_id, seen_at) VALUES ('gemloop', 'old-1', now())`,
      );
      await admin.query(
        `INSERT INTO dbos.workflow_status (workflow_uuid, status, name, executor_id, application_version)
         VALUES ('old-run', 'SUCCESS', 'gemloop.run', 'old-1', 'fenced')`,
      );
      const refused = await start('fenced-a', 'fenced').catch((error: unknown) => error);
      expect(MixedFleetError.isInstance(refused)).toBe(true);
      await admin.query(`DELETE FROM gemloop.workers WHERE executor_id = 'old-1'`);
      const worker = await start('fenced-a', 'fenced');
      expect(await answer(worker)).toBe('done');
      await worker.shutdown();
    } finally {
      await admin.end();
    }
  });
});
