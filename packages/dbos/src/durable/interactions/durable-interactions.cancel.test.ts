import { createGemini } from '@gemloop/core';
import { createInteractions } from '@gemloop/core/interactions';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A run cancelled while one of its polls is in flight: DBOS clears the run's owner, so recording
// that poll fails as a lost run would (DBOSWorkflowConflictError), not as a cancelled one. The
// interaction must still be cancelled on the server. Every answer of this fake takes 1.5 s, so
// the cancel lands while the poll the test saw arrive is still being answered.

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess;

beforeAll(async () => {
  fake = createFakeGemini({
    script: [turn.text('never read')],
    interactions: { backgroundPolls: 100 },
    latencyMs: 1_500,
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('interactions_cancel');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: createCounter().file,
    INTERACTIONS_POLL_MS: '100',
    EXECUTOR_ID: 'interactions-cancel-worker',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

const requests = (method: string) => fake.requests.filter((request) => request.method === method);

it('runs.cancel() during a poll in flight cancels the interaction on the server', async () => {
  const { runId } = await runs.start('background', { runId: 'bg-cancel-inflight', input: 'Rome' });
  await waitFor(() => requests('interactions.get').length >= 1, 'a poll in flight');
  await runs.cancel(runId);
  await waitFor(
    () => requests('interactions.cancel').length === 1,
    'the interaction cancelled on the server',
  );
  const id = new URL(requests('interactions.get')[0]?.url ?? '', 'http://fake').pathname
    .split('/')
    .at(-1);
  const gemini = createGemini({ baseUrl: fake.url, apiKey: 'test-key', retry: false });
  expect((await createInteractions(gemini).get(id as string)).status).toBe('cancelled');
  expect((await runs.status(runId))?.status).toBe('CANCELLED');
});
