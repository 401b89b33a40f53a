import { createFakeGemini, type FakeGemini, turn } from '@gemloop/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  freshDatabase,
  startWorker,
  stopWorker,
  type WorkerProcess,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

const LIMIT = 4;
const PERIOD_MS = 2000;

describe('a fleet-wide rate limit per model', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  const workers: WorkerProcess[] = [];
  const arrivals: number[] = [];

  beforeAll(async () => {
    fake = createFakeGemini({
      script: () => {
        arrivals.push(Date.now());
        return turn.text('fine');
      },
    });
    await fake.listen();
    const databaseUrl = await freshDatabase('ratelimit');
    const env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: createCounter().file,
      RATE_LIMIT: `${LIMIT}/${PERIOD_MS}`,
      WORKER_CONCURRENCY: '5',
    };
    workers.push(
      ...(await Promise.all(
        ['a', 'b'].map((id) => startWorker({ ...env, EXECUTOR_ID: `rate-${id}` })),
      )),
    );
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it(`10 runs on 2 workers: the API never sees more than ${LIMIT} calls in any ${PERIOD_MS} ms`, async () => {
    const ids = Array.from({ length: 10 }, (_, index) => `rate-${index}`);
    for (const runId of ids) await runs.start('support', { runId, input: `question ${runId}` });
    const results = await Promise.all(ids.map((runId) => runs.result(runId)));
    expect(results.map((result) => result.text)).toEqual(ids.map(() => 'fine'));
    expect(arrivals).toHaveLength(10);
    const sorted = [...arrivals].sort((a, b) => a - b);
    for (let index = 0; index < sorted.length; index++) {
      const start = sorted[index] as number;
      const inWindow = sorted.filter((time) => time >= start && time < start + PERIOD_MS).length;
      expect(
        inWindow,
        `calls in the window from ${start - (sorted[0] as number)} ms`,
      ).toBeLessThanOrEqual(LIMIT);
    }
    // Both workers took runs (the limit holds across processes, not inside one).
    const owners = new Set((await runs.list({ status: 'SUCCESS' })).map((run) => run.executorId));
    expect(owners).toEqual(new Set(['rate-a', 'rate-b']));
  });
});
