import { DBOSClient } from '@dbos-inc/dbos-sdk';
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
import { EVENTS_STREAM_KEY, type EventBatch } from './run-events.ts';

const ANSWER = Array.from({ length: 60 }, (_, index) => `word${index} `).join('');

describe('a streamed answer reaches other processes while it is written', () => {
  let fake: FakeGemini;
  let databaseUrl: string;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    // 6-character chunks 30 ms apart: the answer takes ~1.8 s to stream.
    fake = createFakeGemini({ script: () => turn.text(ANSWER), chunkSize: 6, chunkDelayMs: 30 });
    await fake.listen();
    databaseUrl = await workerDatabase('streamed');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it('in batches of deltas, before the model call ends, each event once', async () => {
    const { runId } = await runs.start('support', { runId: 'streamed-1', input: 'Tell me.' });
    const items = [];
    let statusAtFirstDelta: string | undefined;
    for await (const item of runs.events(runId)) {
      if (item.event.type === 'text-delta' && statusAtFirstDelta === undefined) {
        statusAtFirstDelta = (await runs.status(runId))?.status;
      }
      items.push(item);
    }
    // The first text arrived while the run was still answering.
    expect(statusAtFirstDelta).toBe('PENDING');
    expect(items.map((item) => item.offset)).toEqual(items.map((_, index) => index));
    const deltas = items.filter((item) => item.event.type === 'text-delta');
    expect(deltas.map((item) => (item.event as { text: string }).text).join('')).toBe(ANSWER);
    expect((await runs.result(runId)).text).toBe(ANSWER);

    // Written in a few batches, not one write per delta.
    const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
    try {
      const entries: EventBatch[] = [];
      for await (const entry of client.readStream<EventBatch>(runId, EVENTS_STREAM_KEY)) {
        entries.push(entry);
      }
      const withDeltas = entries.filter((entry) =>
        entry.events.some((event) => event.type === 'text-delta'),
      );
      expect(withDeltas.length).toBeGreaterThan(1);
      expect(withDeltas.length).toBeLessThan(deltas.length / 3);
    } finally {
      await client.destroy();
    }
  });
});
