import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
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

describe('Postgres restarted in the middle of a run', () => {
  // Its own server: restarting the suite's would cut every other file's connections.
  let postgres: EmbeddedPostgres;
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres();
    const databaseUrl = await createDatabase(postgres.url, 'restart');
    fake = createFakeGemini({
      script: (_request, context) => {
        const answered = context.functionResponses.map((response) => response.name);
        if (answered.includes('slow')) return turn.text('done after the restart');
        if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
        return turn.call('lookup', { order: '7' });
      },
    });
    await fake.listen();
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      SLOW_MS: '3000',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close().catch(() => {});
    if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
    await postgres?.stop();
  });

  it('continues once Postgres is back: the run finishes, each call made once', async () => {
    const { runId } = await runs.start('support', {
      runId: 'through-restart',
      input: 'Where is order 7?',
    });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    await postgres.restart({ downMs: 500 });
    const result = await runs.result(runId);
    expect(result.text).toBe('done after the restart');
    expect(counter.count(`done lookup ${runId}:`)).toBe(1);
    expect(counter.count(`done slow ${runId}:`)).toBe(1);
    expect(fake.modelRequests).toHaveLength(3);
  });
});
