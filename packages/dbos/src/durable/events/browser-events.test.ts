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

// A durable run's events served to a page with @gemloop/core/web (issue 28): the page's
// connection breaks mid-answer and resumes from the store by Last-Event-ID, each event once.

const ANSWER = Array.from({ length: 40 }, (_, index) => `word${index} `).join('');
const HELD_INPUT = 'Where is order 7? (held)';
const UNCHECKED = 'UNCHECKED-PREAMBLE';

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
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      // The held run's first call says something before its tool call; every other call answers.
      script: ({ body }) =>
        JSON.stringify(body.contents[0]).includes(HELD_INPUT) &&
        !JSON.stringify(body.contents).includes('functionResponse')
          ? turn.calls([{ name: 'lookup', args: { order: '7' } }], { text: `${UNCHECKED} ` })
          : turn.text(ANSWER),
      chunkSize: 6,
      chunkDelayMs: 20,
    });
    await fake.listen();
    const databaseUrl = await workerDatabase('browser-events');
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
});
