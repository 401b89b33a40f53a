import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
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
import {
  createDurableRuns,
  DurableReplayMismatchError,
  DurableRunError,
  type DurableRuns,
} from '../../index.ts';

// A deploy between a crash and the recovery that changed a durable agent's third-party plugins
// (attack45a): the run was recorded with the recorded plugins of one worker's code (each
// beforeModelCall one DBOS step, named after its plugin; stamp-a then stamp-b in the first test),
// its worker died inside the slow tool, and the worker that takes it over runs code whose agent
// lists them in another order, has one more, or one fewer. DBOS's step-name check refuses the
// replay (a recorded result must not be handed to another plugin's hook); the run must end with
// gemloop's typed DurableReplayMismatchError naming the plugin and its hook, as a changed tool set
// does (tool-set-change.attacks.test.ts), not with DBOS's own error, and call neither the model nor
// the tool again.
//
// Each test's new worker is the next test's old one (its code records the next run): six worker
// starts for the five deploys instead of ten (bench/RESULTS.md, helper speed-dbos47). A test run
// alone starts the old code it names.
describe('a run recovered by code whose agent has its recorded plugins changed', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.some((response) => response.name === 'slow')
          ? turn.text('done')
          : turn.call('slow', { order: '7' }),
    });
    await fake.listen();
    const databaseUrl = await workerDatabase('plugin_deploy');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
    };
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  /** The plugins (STAMPS) each live worker's code lists. */
  const stampsOf = new Map<WorkerProcess, string>();

  /**
   * Runs `runId` on a worker whose code lists the plugins `recorded` (the last test's new worker
   * when it has them, else a new one) until its slow tool holds, starts the new code's worker
   * (`deployed`), kills the old one, and returns how the run ended.
   */
  async function deployAcrossCrash(
    runId: string,
    { recorded, deployed }: { recorded: string; deployed: string },
    beforeCrash?: () => Promise<void>,
  ): Promise<unknown> {
    // The worker left by the last test runs the old code here only if it lists these plugins;
    // every other worker goes, so the run can only start on the old code.
    let old = workers.find((worker) => stampsOf.get(worker) === recorded);
    for (const worker of workers.splice(0)) if (worker !== old) await stopWorker(worker, 'SIGKILL');
    if (old === undefined) {
      old = await startWorker({ ...env, EXECUTOR_ID: `${runId}-old`, STAMPS: recorded });
      stampsOf.set(old, recorded);
    }
    workers.push(old);
    writeFileSync(join(holdDirectory, runId), '');
    const before = fake.modelRequests.length;
    await runs.start('stamped', { runId, input: `Refund ${runId}.` });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    await beforeCrash?.();
    const recovering = await startWorker({ ...env, EXECUTOR_ID: `${runId}-new`, STAMPS: deployed });
    stampsOf.set(recovering, deployed);
    workers.push(recovering);
    await crashWorker(old);
    workers.splice(workers.indexOf(old), 1);
    rmSync(join(holdDirectory, runId));
    const error = await runs.result(runId).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Asked once before the crash (the call of slow), never again; the tool not started again.
    expect(fake.modelRequests.length - before).toBe(1);
    expect(counter.count(`start slow ${runId}:`)).toBe(1);
    return error;
  }

  /** The run's typed mismatch (the `cause` of `result()`'s `DurableRunError`). */
  function mismatch(error: unknown): DurableReplayMismatchError {
    expect(DurableRunError.isInstance(error)).toBe(true);
    const { cause } = error as DurableRunError;
    expect(DurableReplayMismatchError.isInstance(cause)).toBe(true);
    return cause as DurableReplayMismatchError;
  }

  it('the plugins reordered: a typed mismatch naming both plugins and the hook', async () => {
    const error = await deployAcrossCrash('stamps-swapped', { recorded: 'a,b', deployed: 'b,a' });
    const { message } = mismatch(error);
    expect(message).toContain('plugin "stamp-b"');
    expect(message).toContain('plugin "stamp-a"');
    expect(message).toContain('beforeModelCall');
    expect(message).toMatch(/plugins .*(order|changed)/);
  });

  it('a recorded plugin added: a typed mismatch naming the new plugin', async () => {
    const error = await deployAcrossCrash('stamps-added', { recorded: 'b,a', deployed: 'c,b,a' });
    const { message } = mismatch(error);
    expect(message).toContain('plugin "stamp-c"');
    expect(message).toContain('beforeModelCall');
  });

  it('a recorded plugin removed: a typed mismatch naming the plugin the record has', async () => {
    // The first one removed, as `b` after `a,b` would be.
    const error = await deployAcrossCrash('stamps-removed', { recorded: 'c,b,a', deployed: 'b,a' });
    const { message } = mismatch(error);
    expect(message).toContain('plugin "stamp-c"');
  });

  // A plugin that reads messages (`run.receive`, not recorded: DBOS records the read itself)
  // added by the deploy, a message waiting: its read is a DBOS operation where the record holds
  // the model's step. It ended with DBOS's own error too, through the steering read.
  it('a plugin that reads messages added, a message waiting: a typed mismatch naming the read', async () => {
    const error = await deployAcrossCrash(
      'reader-added',
      { recorded: 'b,a', deployed: 'b,a,r' },
      () => runs.send('reader-added', 'ops', { n: 1 }),
    );
    const { message } = mismatch(error);
    expect(message).toContain("a read of the run's messages");
    expect(message).toContain('run.receive');
  });

  // A plugin (not recorded) added by the deploy that throws on the recovering worker only, its
  // message holding a database URL with a password and a Google key: the run ends with its typed
  // PluginError naming it and the hook, and neither secret is in the error or any row of the run.
  it('a plugin added that throws on the replay only: its PluginError, no secret stored', async () => {
    const runId = 'fragile-added';
    // The reader is on both sides (its read of no message is recorded and replayed): only the
    // fragile plugin is new, and it throws on the recovering worker (EXECUTOR_ID `*-new`) only.
    const error = await deployAcrossCrash(runId, { recorded: 'b,a,r', deployed: 'b,a,r,y' });
    expect(DurableRunError.isInstance(error)).toBe(true);
    const { cause } = error as DurableRunError;
    expect(PluginError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({ plugin: 'fragile', hook: 'beforeModelCall' });
    expect((error as Error).message).toContain('replica lost: <url>');
    const client = new pg.Client({ connectionString: env['DATABASE_URL'] });
    await client.connect();
    try {
      for (const table of ['workflow_status', 'operation_outputs', 'streams']) {
        const { rows } = await client.query<{ row: string }>(
          `SELECT t::text AS row FROM dbos.${table} t WHERE t::text LIKE '%' || $1 || '%'`,
          [runId],
        );
        expect(rows.length, table).toBeGreaterThan(0);
        for (const { row } of rows) {
          expect(row).not.toContain('s3cret-pw');
          expect(row).not.toContain('AIzaSyFRAGILE');
        }
      }
    } finally {
      await client.end();
    }
    for (const text of [String(error), JSON.stringify(cause)]) {
      expect(text).not.toContain('s3cret-pw');
      expect(text).not.toContain('AIzaSyFRAGILE');
    }
  });
});
