// A durable run under a tree cost budget whose worker is SIGKILLed while a tool runs: the
// takeover replays the recorded model step, which counts its cost again, so the budget stops the
// run at the same call it would have without the crash (the spent total survives the crash).

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

// gemini-3-flash-preview at $0.50 per 1M input tokens: each call costs $0.50.
const usage = { promptTokenCount: 1_000_000, candidatesTokenCount: 0 };

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;

/** Where the test holds the slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  fake = createFakeGemini({
    script: (_request, { functionResponses }) => {
      const answered = JSON.stringify(functionResponses);
      if (answered.includes('refunded')) return turn.call('lookup', { order: 'A-1' }, { usage });
      if (answered.includes('shipped')) return turn.text('done', { usage });
      return turn.call('slow', { order: 'A-1' }, { usage });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('costbudget');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // Held through the kill (HOLD_DIR); the slow tool of the worker that took over need not wait.
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `budget-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

describe('a durable run under a cost budget, its worker killed mid-run', () => {
  it('stops at the same call: the cost spent before the crash still counts', async () => {
    const runId = 'cost-budget-crash';
    // $0.75: the first call ($0.50) and the second ($1.00 in all) are sent, the third refused.
    // The slow tool waits until the worker is killed (a timer would race the kill).
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Refund A-1.', budget: { maxCostUsd: '0.75' } });
    await waitFor(() => counter.count('start slow') > 0, 'the slow tool to start');
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${runId}`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    await expect(runs.result(runId)).rejects.toThrow(/options\.budget\.maxCostUsd/);
    // The first call was replayed from its record, not sent again; the third was never sent.
    expect(fake.modelRequests).toHaveLength(2);
    expect(counter.count('start slow')).toBe(2);
  });
});
