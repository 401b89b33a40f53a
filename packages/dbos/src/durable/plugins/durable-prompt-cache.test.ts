// The agent's `cache` option in a durable run (issue 53: the prompt cache is a plugin on the seam,
// with no hook `recorded` and no twin here): every model call of the run goes through the cache,
// and a worker that takes a run over after a SIGKILL makes its own cache and finishes the run
// through it. What a durable client records is the model call inside the plugin's `next`.

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
let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[] = [];
const counter = createCounter();

beforeAll(async () => {
  // lookup, then slow (held in the crash test until its worker is dead), then an answer.
  fake = createFakeGemini({
    script: (request) => {
      const body = request.body as { contents: { role: string }[] };
      const made = body.contents.filter((content) => content.role === 'model').length;
      if (made === 2) return turn.text('Rent is due on the first.');
      return turn.call(made === 1 ? 'slow' : 'lookup', { order: '7' });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('prompt_cache');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `cache-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The bodies of the model calls whose input is `input`. */
const callsOf = (input: string) =>
  fake.modelRequests
    .map((request) => request.body as Record<string, unknown>)
    .filter((body) => JSON.stringify(body['contents']).includes(input));

describe('the prompt cache in a durable run', () => {
  it('sends every model call of the run through the cache', async () => {
    const input = 'When is rent due? (plain)';
    const { runId } = await runs.start('cached', { runId: 'cache-plain', input });
    const result = await runs.result(runId);
    expect(result.text).toBe('Rent is due on the first.');
    expect(result.cache?.status).toBe('active');
    const calls = callsOf(input);
    expect(calls).toHaveLength(3);
    for (const body of calls) {
      expect(body['cachedContent']).toMatch(/^cachedContents\//);
      expect(body).not.toHaveProperty('systemInstruction');
      expect(body).not.toHaveProperty('tools');
    }
  });

  it('after a SIGKILL mid-run, the worker that takes over finishes through a cache of its own', async () => {
    const input = 'When is rent due? (crash)';
    writeFileSync(join(holdDirectory, 'cache-crash'), '');
    const { runId } = await runs.start('cached', { runId: 'cache-crash', input });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    expect(victim).toBeDefined();
    await crashWorker(victim as WorkerProcess, () => rmSync(join(holdDirectory, runId)));
    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(executorId);
    expect(result.text).toBe('Rent is due on the first.');
    expect(result.steps).toHaveLength(3);
    // The two calls before the kill were recorded (not sent again); the one after went through
    // the cache the new worker made.
    const calls = callsOf(input);
    expect(calls).toHaveLength(3);
    for (const body of calls) {
      expect(body['cachedContent']).toMatch(/^cachedContents\//);
      expect(body).not.toHaveProperty('systemInstruction');
    }
  });
});
