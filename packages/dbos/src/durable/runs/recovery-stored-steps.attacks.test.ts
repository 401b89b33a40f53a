import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGemini } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createScriptedFake } from '../../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, DurableRunError, type DurableRuns } from '../../index.ts';

// Outside attack on recovery after SIGKILL (attack24): a run's recorded step outputs
// (`dbos.operation_outputs`) edited while no worker runs it. The worker that takes the run over
// replays it from those rows: the run may fail, but only that run, with a typed error naming it,
// and the worker goes on serving the others.

let fake: FakeGemini;
let runs: DurableRuns;
let pool: pg.Pool;
let databaseUrl: string;
let counter: ReturnType<typeof createCounter>;
const workers: WorkerProcess[] = [];
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  fake = createScriptedFake(() => {});
  await fake.listen();
  databaseUrl = await workerDatabase('recovery-rows');
  counter = createCounter();
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

const env = (executorId: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  FAKE_URL: fake.url,
  COUNTER_FILE: counter.file,
  SLOW_MS: '10',
  HOLD_DIR: holdDirectory,
  EXECUTOR_ID: executorId,
});

describe('a recorded step output cut short while the run waited for a takeover', () => {
  it('fails that run alone, typed and named; the worker that took it over runs the next', async () => {
    const first = await startWorker(env('rows-worker-0'));
    workers.push(first);
    const runId = 'edited-steps';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Where is order 7?' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    await crashWorker(first);
    const { rowCount } = await pool.query(
      `UPDATE dbos.operation_outputs SET output = left(output, 12)
       WHERE workflow_uuid = $1 AND output IS NOT NULL AND length(output) > 12`,
      [runId],
    );
    expect(rowCount).toBeGreaterThan(0);
    rmSync(join(holdDirectory, runId));
    const second = await startWorker(env('rows-worker-1'));
    workers.push(second);

    const error = await runs.result(runId).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId, status: 'ERROR' });
    expect((error as Error).message).toContain(`"${runId}"`);

    // The worker that met the row is alive and runs the next run.
    await runs.start('support', { runId: 'after-edited', input: 'Where is order 8?' });
    expect((await runs.result('after-edited')).text).toBeTypeOf('string');
    expect(second.child.exitCode).toBeNull();
  });
});
