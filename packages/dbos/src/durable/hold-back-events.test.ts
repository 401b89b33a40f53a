import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  freshDatabase,
  startWorker,
  stopWorker,
  type WorkerProcess,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

// Issue 52, item 3: a durable run whose guardrails hold text back (`holdBack`) writes no text the
// output guardrail has not passed to its event stream: the worker's streamed preview, which
// writes a call's deltas while the answer is written, is off for it.

const UNCHECKED = 'UNCHECKED-PREAMBLE';
const ANSWER = Array.from({ length: 30 }, (_, index) => `word${index} `).join('');

describe('a durable run that holds its text back', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      script: [
        turn.calls([{ name: 'lookup', args: { order: '7' } }], { text: `${UNCHECKED} ` }),
        turn.text(ANSWER),
      ],
      chunkSize: 6,
      chunkDelayMs: 5,
    });
    await fake.listen();
    const databaseUrl = await freshDatabase('hold-back');
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

  it('stores only the answer the output guardrail passed, with every event of the run', async () => {
    const { runId } = await runs.start('heldBack', { runId: 'held-1', input: 'Where is 7?' });
    const result = await runs.result(runId);
    expect(result.text).toBe(ANSWER.toUpperCase());
    const events = [];
    for await (const { event } of runs.events(runId)) events.push(event);
    expect(
      JSON.stringify(
        events.filter((event) => event.type !== 'step-end' && event.type !== 'run-end'),
      ),
    ).not.toContain(UNCHECKED);
    const deltas = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(deltas).toEqual([ANSWER.toUpperCase()]);
    // No event lost to a preview written at its index.
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['tool-call', 'tool-result', 'run-end']),
    );
  });
});
