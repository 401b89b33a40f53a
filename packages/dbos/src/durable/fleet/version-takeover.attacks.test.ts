import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
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
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A deploy with a new applicationVersion while a run of the old one was inside a tool, and the
// old worker dies. DBOS's queue hands a run only to a worker of the run's version, so the new
// fleet's takeover re-enqueued it and no worker ever ran it: ENQUEUED, result() waiting, and the
// only word of it was "taking over its 1 runs", which said the opposite.
describe('a run of the old application version taken over by a fleet on a new one', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.length > 0
          ? turn.text('checked')
          : turn.call('slow', { order: '7' }),
    });
    await fake.listen();
    const databaseUrl = await workerDatabase('version_takeover');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
      LOG_LEVEL: 'warn',
    };
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'version-old' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('says which runs wait for a worker of their version, and what to do', async () => {
    const runId = 'old-version-run';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Check order 7' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const fresh = await startWorker({ ...env, EXECUTOR_ID: 'version-new', APP_VERSION: 'v2' });
    workers.push(fresh);
    await crashWorker(workers.shift() as WorkerProcess);
    rmSync(join(holdDirectory, runId));

    await waitFor(
      () => fresh.output().includes('only a worker of that version runs them'),
      'the takeover to say why the run waits',
    );
    expect(fresh.output()).toContain(
      `1 of them (${runId}) were recorded by application version "test", and this worker runs "v2"`,
    );
    expect(fresh.output()).toContain('Start one, or fork each to this version');
    // As DBOS promises: not run by the new version's worker. status() says which version it
    // waits for (what an operator needs to start the right worker).
    expect(await runs.status(runId)).toMatchObject({
      status: 'ENQUEUED',
      applicationVersion: 'test',
    });
    expect(counter.count(`start slow ${runId}:`)).toBe(1);

    // A worker of the run's version finishes it, the tool made again once (it was in flight).
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'version-old-again' }));
    expect((await runs.result(runId)).text).toBe('checked');
    expect(counter.count(`start slow ${runId}:`)).toBe(2);
  });
});
