import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  freshDatabase,
  startWorker,
  stopWorker,
  type WorkerProcess,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

describe("a run's end wakes result() (issue 35)", () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses[0] === undefined
          ? turn.call('lookup', { order: '7' })
          : turn.text('done'),
    });
    await fake.listen();
    const databaseUrl = await freshDatabase('run_end');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      POLLING_MS: '50',
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

  it('returns the result when the run ends, not at the next poll', async () => {
    const { runId } = await runs.start('support', { runId: 'ends-1', input: 'where is 7' });
    expect((await runs.result(runId)).text).toBe('done');
  });

  it('announces the end of a run whose id is longer than a NOTIFY payload may be', async () => {
    // pg_notify refuses payloads of 8000 bytes or more; the trigger sends a digest of the id,
    // so DBOS's status write, in whose transaction it fires, cannot fail on it.
    const runId = `long-${'x'.repeat(9000)}`;
    await runs.start('support', { runId, input: 'where is 7' });
    expect((await runs.result(runId)).text).toBe('done');
  });
});
