import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

// A recorded `afterAnswer` that adds the next question itself (`run.addInput`) and returns
// `run-again` with no contents (the `followUp` agent of __fixtures__/worker.ts). A replay does not
// call a recorded hook, so before, the worker that took the run over after a SIGKILL met the
// hook's stored `run-again` with nothing added and failed the run with the seam's "run-again that
// adds nothing" PluginError. The record now carries what the hook added; the replay adds it
// again, where it was. Real Postgres and DBOS, two worker processes.

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[] = [];
const counter = createCounter();

type Body = { contents: { role: string; parts: { text?: string }[] }[] };

/** The follow-up question in a request's contents (`undefined`: none). */
function followUpOf(body: unknown): string[] {
  return (body as Body).contents
    .flatMap((content) => content.parts.map((part) => part.text ?? ''))
    .filter((text) => text.startsWith('FOLLOW-UP'));
}

beforeAll(async () => {
  // Order 7 answered at once; the follow-up asks for order 8, which needs the slow tool (held
  // until the test killed the worker running it).
  fake = createFakeGemini({
    script: (request, { functionResponses }) => {
      if (followUpOf(request.body).length === 0) return turn.text('Order 7 shipped.');
      return functionResponses.some((response) => response.name === 'slow')
        ? turn.text('Order 8 shipped.')
        : turn.call('slow', { order: '8' });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('recorded_add_input');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `add-input-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

it('a recorded afterAnswer that added input replays it once after a SIGKILL, without being called again', async () => {
  const runId = 'add-input-crash';
  const input = 'Where is order 7?';
  writeFileSync(join(holdDirectory, runId), '');
  await runs.start('followUp', { runId, input });
  await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
  const executorId = (await runs.status(runId))?.executorId;
  const victim = workers.find((worker) => worker.executorId === executorId);
  expect(victim).toBeDefined();
  await stopWorker(victim as WorkerProcess, 'SIGKILL');
  rmSync(join(holdDirectory, runId));

  const result = await runs.result(runId);
  expect((await runs.status(runId))?.executorId).not.toBe(executorId);
  expect(result.text).toBe('Order 8 shipped.');
  // The hook ran once for the first answer (the replay took its record) and once for the last.
  expect(counter.count(`follow-up ${input} step 1`)).toBe(1);
  expect(counter.count(`follow-up ${input} step 3`)).toBe(1);
  // The question it added (random, so a second call would have made another) is in the history
  // once, and every request after the first carried that same one.
  const added = followUpOf({ contents: result.contents });
  expect(added).toHaveLength(1);
  const later = fake.modelRequests.map((request) => followUpOf(request.body)).slice(1);
  expect(later.length).toBeGreaterThanOrEqual(2);
  for (const questions of later) expect(questions).toEqual(added);
});
