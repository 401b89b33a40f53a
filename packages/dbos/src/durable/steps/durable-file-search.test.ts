import { createGemini } from '@gemloop/core';
import { createFileSearchStores } from '@gemloop/core/http';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A durable run with the fileSearch tool: the model call is a recorded step, so the answer and its
// citations (the store's chunk, retrieved by the fake) come back in the run's result as in-process.

const LEAVE = 'Every employee gets 25 days of paid leave a year.';

describe('a durable run with File Search', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let store: string;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      filesApi: { fileSearchPolls: 0 },
      script: (_request, context) => turn.text(context.fileSearchResults?.[0]?.text ?? 'none'),
    });
    await fake.listen();
    const stores = createFileSearchStores(createGemini({ apiKey: 'test-key', baseUrl: fake.url }));
    store = (await stores.create({ displayName: 'handbook' })).name;
    await stores.waitForOperation(
      await stores.upload(store, new Blob([LEAVE], { type: 'text/plain' }), {
        displayName: 'leave.txt',
      }),
      { pollIntervalMs: 0 },
    );
    const databaseUrl = await workerDatabase('file_search');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      FILE_SEARCH_STORE: store,
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it('answers from the store, with its citations in the result', async () => {
    const { runId } = await runs.start('handbook', {
      runId: 'file-search-1',
      input: 'How many days of paid leave do I get?',
    });
    const result = await runs.result(runId);
    expect(result.text).toBe(LEAVE);
    expect(result.grounding.flatMap((grounding) => grounding.groundingChunks ?? [])).toEqual([
      { retrievedContext: { title: 'leave.txt', text: LEAVE, fileSearchStore: store } },
    ]);
    expect(fake.modelRequests[0]?.body).toMatchObject({
      tools: [{ fileSearch: { fileSearchStoreNames: [store] } }],
    });
  });
});
