// Pricing in a durable run: an agent priced by a pricer of its own (`prices: { name, price }`,
// which replaces gemloop's default pricing plugin) prices each step of a durable run with it, and
// a worker that takes the run over after a SIGKILL prices the replayed steps alike: a pricer is
// a function of the usage the durable client recorded with each call, so nothing else is recorded.

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

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
const usage = { promptTokenCount: 1_000, candidatesTokenCount: 10 };
let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[] = [];
const counter = createCounter();

beforeAll(async () => {
  // lookup → slow → answer, whatever the request: three model calls, a cent each.
  fake = createFakeGemini({
    script: (_request, context) => {
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text('Order 7 shipped.', { usage });
      if (answered.includes('lookup')) return turn.call('slow', { order: '7' }, { usage });
      return turn.call('lookup', { order: '7' }, { usage });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('pricer');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `pricer-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

const CENT = {
  currency: 'USD',
  total: '0.01',
  input: '0.01',
  cachedInput: '0',
  output: '0',
  thinking: '0',
};

describe("a durable run priced by the agent's own pricer", () => {
  it('prices each step with it, and after a SIGKILL the worker that takes over prices alike', async () => {
    const runId = 'priced-crash';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('priced', { runId, input: 'Where is order 7?' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${runId}`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe('Order 7 shipped.');
    expect(result.steps.map((step) => step.cost)).toEqual([CENT, CENT, CENT]);
    expect(result.cost.total).toBe('0.03');
  });
});
