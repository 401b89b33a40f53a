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
import { createDurableRuns, type DurableRuns } from '../index.ts';

// modelFallback in a durable run: the fake answers 503 to gemini-3-flash-preview from its second
// call on and refuses a thought signature sent to a model that did not make it. The run falls back
// to gemini-3-pro-preview, its worker is killed in the tool that follows, and another worker
// finishes it on the second model without sending a completed model call again.

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

let fake: FakeGemini;
let runs: DurableRuns;
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
    faults: [
      {
        fault: { type: 'overloaded' },
        on: ({ model, body }) =>
          model === PRIMARY && JSON.stringify(body).includes('"functionResponse"'),
      },
    ],
  });
  await fake.listen();
  const databaseUrl = await freshDatabase('fallback');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `fallback-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe('modelFallback in a durable run', () => {
  it('falls back, survives a SIGKILL after the switch, and finishes on the second model', async () => {
    writeFileSync(join(holdDirectory, 'fallback-crash'), '');
    const { runId } = await runs.start('fallback', {
      runId: 'fallback-crash',
      input: 'Where is order 7?',
    });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    expect(victim).toBeDefined();
    await stopWorker(victim as WorkerProcess, 'SIGKILL');
    rmSync(join(holdDirectory, runId));

    const result = await runs.result(runId);
    expect(result.text).toBe('Order 7 shipped.');
    expect(result.steps.map((step) => step.model)).toEqual([undefined, SECOND, SECOND]);
    // Each step priced at the model that served it.
    expect(Number(result.steps[2]?.cost.total)).toBeGreaterThan(0);
    // The calls the fake saw: step 1 on the first model, its 503, then the second model for
    // steps 2 and 3; the worker that took over sent no completed call again.
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
    ]);
  });
});
