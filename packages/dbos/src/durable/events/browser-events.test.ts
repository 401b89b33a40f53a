import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { toDurableEventStreamResponse } from '@gemloop/core/web';
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

// A durable run's events served to a page with @gemloop/core/web (issue 28): the page's
// connection breaks mid-answer and resumes from the store by Last-Event-ID, each event once.

const ANSWER = Array.from({ length: 40 }, (_, index) => `word${index} `).join('');
const HELD_INPUT = 'Where is order 7? (held)';
const UNCHECKED = 'UNCHECKED-PREAMBLE';
// The fixture worker's client key; the model writes it, its start at every offset of a 6-character chunk.
const KEY = 'test-key';
const KEY_INPUT = 'Print your config.';
const KEYED_ANSWER = `Your key:${KEY}. `.repeat(6);
const CHUNK = 6;
/**
 * The answer of the run read by another process while it streams (was streamed-events.test.ts,
 * whose fake sent its 6-character chunks 30 ms apart, 69 of them): 104 chunks 20 ms apart, this
 * fake's pace, stream as long, ~2 s, across ~10 of the worker's 200 ms event batches.
 */
const STREAMED_ANSWER = Array.from({ length: 90 }, (_, index) => `word${index} `).join('');
const STREAMED_INPUT = 'Tell me, at length.';

type Frame = { id: number; data: { type: string; text?: string; outcome?: string } };

/** Reads frames until `stop` says so (then cancels, as a page that loses its connection). */
async function readFrames(response: Response, stop?: (frames: Frame[]) => boolean) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const frames: Frame[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return frames;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf('\n\n');
    while (end !== -1) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const id = /^id: (-?\d+)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id !== undefined && data !== undefined)
        frames.push({ id: Number(id), data: JSON.parse(data) });
      end = text.indexOf('\n\n');
    }
    if (stop?.(frames)) {
      await reader.cancel();
      return frames;
    }
  }
}

describe('a durable run streamed to a page', () => {
  let fake: FakeGemini;
  let databaseUrl: string;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      // The held run's first call says something before its tool call; every other call answers.
      script: ({ body }) =>
        JSON.stringify(body.contents[0]).includes(KEY_INPUT)
          ? turn.text(KEYED_ANSWER)
          : JSON.stringify(body.contents[0]).includes(STREAMED_INPUT)
            ? turn.text(STREAMED_ANSWER)
            : JSON.stringify(body.contents[0]).includes(HELD_INPUT) &&
                !JSON.stringify(body.contents).includes('functionResponse')
              ? turn.calls([{ name: 'lookup', args: { order: '7' } }], { text: `${UNCHECKED} ` })
              : turn.text(ANSWER),
      chunkSize: CHUNK,
      chunkDelayMs: 20,
    });
    await fake.listen();
    databaseUrl = await workerDatabase('browser-events');
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

  it('resumes from the store after a broken connection: every event once, in order', async () => {
    const { runId } = await runs.start('support', { runId: 'browser-1', input: 'Tell me.' });
    const serve = (headers: Headers) =>
      toDurableEventStreamResponse(
        { headers },
        { runId, events: (offset) => runs.events(runId, { offset }), heartbeatMs: 0 },
      );
    const first = await readFrames(
      serve(new Headers()),
      (frames) => frames.filter((frame) => frame.data.type === 'text-delta').length >= 2,
    );
    const lastId = first.at(-1)?.id as number;
    const rest = await readFrames(serve(new Headers({ 'last-event-id': String(lastId) })));
    const all = [...first, ...rest];
    const ids = all.map((frame) => frame.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    expect(all[0]?.data.type).toBe('start');
    expect(rest.map((frame) => frame.data.type)).not.toContain('start');
    const text = all.flatMap((frame) =>
      frame.data.type === 'text-delta' ? [frame.data.text] : [],
    );
    expect(text.join('')).toBe(ANSWER);
    expect(all.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
  });
  // Issue 52, item 3: a run whose guardrails hold text back (`holdBack`) stores no text the
  // output guardrail has not passed: the worker's streamed preview is off for it.
  it('stores only the answer the output guardrail passed for a run that holds its text back', async () => {
    const { runId } = await runs.start('heldBack', { runId: 'held-1', input: HELD_INPUT });
    const result = await runs.result(runId);
    expect(result.text).toBe(ANSWER.toUpperCase());
    const events = [];
    for await (const { event } of runs.events(runId)) events.push(event);
    // The records (step-end, run-end) keep every word; the events a page is made of do not.
    const shown = events.filter((event) => event.type !== 'step-end' && event.type !== 'run-end');
    expect(JSON.stringify(shown)).not.toContain(UNCHECKED);
    const deltas = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(deltas).toEqual([ANSWER.toUpperCase()]);
    // No event lost to a preview written at its index.
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['tool-call', 'tool-result', 'run-end']),
    );
  });

  // key-leaks2 found the stream storing the key as the model wrote it, split over deltas ("tes",
  // "t-k", "ey,"), and the page sending it. The worker writes the stream without the keys of the
  // run's clients: each delta keeps its index (readers resume by offset), its text the model's
  // minus a key's characters, `[redacted]` in the delta where a key starts.
  it('stores and serves no client key the model writes, however the deltas split it', async () => {
    const starts = [...KEYED_ANSWER.matchAll(/test-key/g)].map((match) => match.index % CHUNK);
    expect(new Set(starts).size).toBe(CHUNK);
    const { runId } = await runs.start('support', { runId: 'key-1', input: KEY_INPUT });
    const items = [];
    for await (const item of runs.events(runId)) items.push(item);
    expect(items.map((item) => item.offset)).toEqual(items.map((_, index) => index));
    expect(JSON.stringify(items)).not.toContain(KEY);
    const deltas = items.filter((item) => item.event.type === 'text-delta');
    // One delta per chunk, as the model streamed it: none added or removed.
    expect(deltas).toHaveLength(Math.ceil(KEYED_ANSWER.length / CHUNK));
    expect(deltas.map((item) => (item.event as { text: string }).text).join('')).toBe(
      KEYED_ANSWER.replaceAll(KEY, '[redacted]'),
    );
    // The run's result is the server's own data: it keeps the model's words.
    expect((await runs.result(runId)).text).toBe(KEYED_ANSWER);
    // A page, from the start and resuming after each delta (mid-key too), gets no key.
    for (const last of [undefined, ...deltas.map((item) => item.offset)]) {
      const frames = await readFrames(
        toDurableEventStreamResponse(
          { headers: new Headers(last === undefined ? {} : { 'last-event-id': String(last) }) },
          { runId, events: (offset) => runs.events(runId, { offset }), heartbeatMs: 0 },
        ),
      );
      const text = frames.map((frame) => frame.data.text ?? '').join('');
      expect(JSON.stringify(frames)).not.toContain(KEY);
      expect(text).not.toContain(KEY);
      expect(frames.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
    }
  });

  // A streamed answer reaches other processes while it is written (was streamed-events.test.ts,
  // with a worker, database, fake and client of its own for this one run, the same worker config).
  it('in batches of deltas, before the model call ends, each event once', async () => {
    const { runId } = await runs.start('support', { runId: 'streamed-1', input: STREAMED_INPUT });
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
    expect(deltas.map((item) => (item.event as { text: string }).text).join('')).toBe(
      STREAMED_ANSWER,
    );
    expect((await runs.result(runId)).text).toBe(STREAMED_ANSWER);

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
