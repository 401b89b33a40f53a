import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A durable run cancelled while a recorded plugin hook runs (one step of the seam's one recorder,
// durable-plugin-hooks.ts) whose hook ignores run.signal and takes a minute: the worker's
// execution ends with the cancel, not when the hook does, and the step records nothing. Before,
// the step waited for the hook, so a cancelled run held its worker for as long as the hook took.
// Real Postgres and DBOS, a worker process (the `verdict` agent of __fixtures__/worker.ts).

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess;
let databaseUrl: string;
const counter = createCounter();

beforeAll(async () => {
  fake = createFakeGemini({ script: [turn.text('never read')] });
  await fake.listen();
  databaseUrl = await workerDatabase('plugin_hook_cancel');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    HOOK_MS: '120000',
    EXECUTOR_ID: 'plugin-hook-cancel-worker',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

it('runs.cancel() during a slow recorded hook ends the execution without waiting for it, recording nothing', async () => {
  const runId = 'hook-cancel';
  await runs.start('verdict', { runId, input: 'Rome' });
  await waitFor(() => counter.count('hook start Rome') === 1, 'the recorded hook to start');
  await runs.cancel(runId);
  // The hook takes two minutes: the execution ends long before it (waitFor's own limit is a hang
  // guard, as long as the hook; the hook's end line is what must not come first).
  await waitFor(
    () => counter.count('verdict run ended Rome') > 0 || counter.count('hook done Rome') > 0,
    `the run of ${runId} to end`,
  );
  expect(counter.count('hook done Rome'), worker.output()).toBe(0);
  expect(worker.child.exitCode).toBe(null);
  expect((await runs.status(runId))?.status).toBe('CANCELLED');
  // No model call was made, and the hook's step has no record.
  expect(fake.requests).toEqual([]);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT function_name FROM dbos.operation_outputs WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.plugin%'`,
      [runId],
    );
    expect(rows).toEqual([]);
  } finally {
    await client.end();
  }
});
