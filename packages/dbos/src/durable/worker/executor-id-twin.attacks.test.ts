import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// An operator starts a second process with the executor id of one that runs (a copied
// deployment, a fixed DBOS__VMID-like setting). DBOS recovers the PENDING runs of its executor id
// when it launches, taking it for a restart: the second process re-ran the first one's runs, and
// the tool each had in flight ran twice.
describe('a second process with a live worker’s executor id', () => {
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
    const databaseUrl = await workerDatabase('twin');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      EXECUTOR_ID: 'twin',
      HOLD_DIR: holdDirectory,
    };
    workers.push(await startWorker(env));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('refuses to start, naming the id, and the first keeps its run: the tool in flight runs once', async () => {
    writeFileSync(join(holdDirectory, 'twin-run'), '');
    await runs.start('support', { runId: 'twin-run', input: 'Check order 7' });
    await waitFor(() => counter.count('start slow twin-run:') === 1, 'the slow tool to start');

    const refused = await startWorker(env).then(
      (worker) => {
        workers.push(worker);
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(refused).toContain('InvalidArgumentError');
    expect(refused).toContain('a live worker of "gemloop" already runs as executor "twin"');

    rmSync(join(holdDirectory, 'twin-run'));
    expect((await runs.result('twin-run')).text).toBe('checked');
    expect(counter.count('start slow twin-run:')).toBe(1);
    expect(fake.modelRequests).toHaveLength(2);
  });
});
