import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  freshDatabase,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
} from '../__fixtures__/fleet.ts';
import { createPostgresBudgetPool } from '../budget/create-postgres-budget-pool.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

// reserveBudget in a durable run: the hold taken before the first call is recorded with the run
// (startRun is a recorded hook), so the worker that takes a killed run over keeps that hold
// instead of taking a second one, and settles it, once, with what the run cost.

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
let databaseUrl: string;
let workers: WorkerProcess[] = [];
const counter = createCounter();

beforeAll(async () => {
  fake = createFakeGemini({
    script: (_request, context) => {
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text('Order 7 shipped.');
      if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
      return turn.call('lookup', { order: '7' });
    },
  });
  await fake.listen();
  databaseUrl = await freshDatabase('reserved');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
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
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe('reserveBudget in a durable run', () => {
  it('keeps the hold across a SIGKILL, and the worker that takes over settles it once', async () => {
    const pool = createPostgresBudgetPool({
      connectionString: databaseUrl,
      name: 'fleet',
      maxCostUsd: 1,
    });
    try {
      writeFileSync(join(holdDirectory, 'budget-crash'), '');
      const { runId } = await runs.start('budgeted', {
        runId: 'budget-crash',
        input: 'Where is order 7?',
      });
      await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
      // The run holds its $0.5 while it works.
      expect((await pool.read()).reservedUsd).toBe(0.5);
      const executorId = (await runs.status(runId))?.executorId;
      const victim = workers.find((worker) => worker.executorId === executorId);
      expect(victim).toBeDefined();
      await stopWorker(victim as WorkerProcess, 'SIGKILL');
      rmSync(join(holdDirectory, runId));

      const result = await runs.result(runId);
      expect(result.text).toBe('Order 7 shipped.');
      // One hold in all (a replay taking a second would have held $1 and refused nothing less),
      // settled with what the run cost.
      expect(await pool.read()).toEqual({
        spentUsd: Number(result.cost.total),
        reservedUsd: 0,
        maxCostUsd: 1,
      });
    } finally {
      await pool.close();
    }
  });
});
