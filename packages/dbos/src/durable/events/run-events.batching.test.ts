// How a run's events become stream entries, with DBOS.writeStream replaced by a recorder: the
// offsets of each entry, the batching of a streamed answer's deltas, a failed call's deltas
// given up, and a step that runs again writing what a reader skips. Timers are Vitest's fake
// ones, so "after batchMs" is a clock step, not a wait.

import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRunsApi } from '../runs/create-runs-api.ts';
import type { RunsBackend } from '../runs/runs-backend.ts';
import { startDeltaPreview } from './delta-preview.ts';
import {
  captureRequest,
  createRunEventBuffer,
  type EventBatch,
  flushRunEvents,
  pushRunEvent,
  type RunEventBuffer,
  withTimedFlush,
} from './run-events.ts';

const stepStart = (stepNumber: number): AgentEvent<unknown> => ({
  type: 'step-start',
  path: [],
  stepNumber,
  kind: 'tools',
});
const chunk = (...texts: (string | { thought: string })[]) => ({
  candidates: [
    {
      content: {
        role: 'model',
        parts: texts.map((text) =>
          typeof text === 'string' ? { text } : { text: text.thought, thought: true },
        ),
      },
    },
  ],
});

let written: EventBatch[];
beforeEach(() => {
  written = [];
  vi.spyOn(DBOS, 'writeStream').mockImplementation(async (key, value) => {
    expect(key).toBe('gemloop.events');
    // A copy, as Postgres keeps it: later changes to the buffer must not show here.
    written.push(structuredClone(value as EventBatch));
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The events a reader gets from `batches`, through the runs API's own reading. */
async function readBack(batches: EventBatch[], offset = 0): Promise<string[]> {
  const backend = {
    readStream: async function* () {
      yield* batches;
    },
    getStatus: async () => undefined,
  } as unknown as RunsBackend;
  const seen: string[] = [];
  for await (const item of createRunsApi(backend).events('run', { offset })) {
    const event = item.event as { type: string; text?: string; stepNumber?: number };
    seen.push(`${item.offset}:${event.type}:${event.text ?? event.stepNumber}`);
  }
  return seen;
}

describe('flushRunEvents', () => {
  it('writes only what this process has not written, each entry at its first index', async () => {
    const buffer = createRunEventBuffer();
    await flushRunEvents(buffer);
    expect(written).toEqual([]);
    buffer.events.push(stepStart(1), stepStart(2));
    await flushRunEvents(buffer);
    buffer.events.push(stepStart(3));
    await flushRunEvents(buffer);
    await flushRunEvents(buffer);
    expect(written).toEqual([
      { from: 0, events: [stepStart(1), stepStart(2)] },
      { from: 2, events: [stepStart(3)] },
    ]);
    expect(buffer.written).toBe(3);
    expect(await readBack(written)).toEqual(['0:step-start:1', '1:step-start:2', '2:step-start:3']);
  });

  it('a step that runs again after a crash writes its events again; a reader gets each once', async () => {
    // The first execution wrote events 0-1, then crashed; the next one replays (re-emitting
    // 0-1 into a fresh buffer) and its first live step writes everything from 0.
    const first = createRunEventBuffer();
    first.events.push(stepStart(1), stepStart(2));
    await flushRunEvents(first);
    const second = createRunEventBuffer();
    second.events.push(stepStart(1), stepStart(2), stepStart(3));
    await flushRunEvents(second);
    expect(written.map((batch) => batch.from)).toEqual([0, 0]);
    expect(await readBack(written)).toEqual(['0:step-start:1', '1:step-start:2', '2:step-start:3']);
    // A reader that reconnects after event 1 gets event 2 only.
    expect(await readBack(written, 2)).toEqual(['2:step-start:3']);
  });

  it('writes values JSON cannot hold as JSON would (no throw, no undefined)', async () => {
    const buffer = createRunEventBuffer();
    buffer.events.push({
      type: 'tool-result',
      path: [],
      stepNumber: 1,
      toolCallId: 'c1',
      toolName: 't',
      result: { big: 10n, when: new Date(0), nothing: undefined },
    } as unknown as AgentEvent<unknown>);
    await flushRunEvents(buffer);
    expect(JSON.stringify(written[0]?.events[0])).not.toContain('undefined');
    expect(written[0]?.events[0]).toMatchObject({ result: { when: '1970-01-01T00:00:00.000Z' } });
  });
});

describe('captureRequest', () => {
  const request = (contents: number, instructions = 'Be brief.') => ({
    model: 'gemini-3-flash-preview',
    contents: Array.from({ length: contents }, () => ({ role: 'user', parts: [{ text: 'q' }] })),
    systemInstruction: { parts: [{ text: instructions }] },
    tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
  });
  const body = (instructions = 'Be brief.') => ({
    model: 'gemini-3-flash-preview',
    systemInstruction: { parts: [{ text: instructions }] },
    tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
  });

  it("writes each call's frame with the next entry: the body once per change, and again first in an entry", async () => {
    const buffer = createRunEventBuffer();
    captureRequest(buffer, request(1));
    captureRequest(buffer, request(3));
    pushRunEvent(buffer, stepStart(1));
    await flushRunEvents(buffer);
    captureRequest(buffer, request(5));
    captureRequest(buffer, request(7, 'Be terse.'));
    pushRunEvent(buffer, stepStart(2));
    await flushRunEvents(buffer);
    expect(written.map((entry) => entry.requests)).toEqual([
      [
        { call: 0, contents: 1, body: body() },
        { call: 1, contents: 3 },
      ],
      [
        // The reader of this entry alone still knows the body in effect.
        { call: 2, contents: 5, body: body() },
        { call: 3, contents: 7, body: body('Be terse.') },
      ],
    ]);
  });

  it('writes the frames again after a failed write, with the events', async () => {
    vi.mocked(DBOS.writeStream).mockRejectedValueOnce(new Error('write lost'));
    const buffer = createRunEventBuffer();
    captureRequest(buffer, request(1));
    pushRunEvent(buffer, stepStart(1));
    await expect(flushRunEvents(buffer)).rejects.toThrow('write lost');
    await flushRunEvents(buffer);
    expect(written).toEqual([
      { from: 0, events: [stepStart(1)], requests: [{ call: 0, contents: 1, body: body() }] },
    ]);
  });
});

describe('withTimedFlush', () => {
  it('writes pending events on a timer while a long step body runs, and not again after', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const buffer: RunEventBuffer = createRunEventBuffer();
    buffer.events.push(stepStart(1));
    await flushRunEvents(buffer);
    buffer.events.push(stepStart(2));
    let release!: () => void;
    const body = new Promise<string>((resolve) => {
      release = () => resolve('answer');
    });
    const step = withTimedFlush(buffer, 200, () => body);
    // Let the flush's own turn pass (it waits one macrotask before looking).
    await vi.advanceTimersByTimeAsync(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(written.at(-1)).toEqual({ from: 1, events: [stepStart(2)] });
    release();
    expect(await step).toBe('answer');
    expect(written).toHaveLength(2);
  });

  it('writes an event that arrives while the body runs (another call of the turn ended) on a timer, from the body', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const buffer: RunEventBuffer = createRunEventBuffer();
    buffer.events.push(stepStart(1));
    await flushRunEvents(buffer);
    let release!: () => void;
    const body = new Promise<string>((resolve) => {
      release = () => resolve('slow call done');
    });
    // Nothing pending when the body starts: a slow call of the turn.
    const step = withTimedFlush(buffer, 200, () => body);
    await vi.advanceTimersByTimeAsync(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toHaveLength(1);
    // A quick call of the same turn ends meanwhile: its event goes out within batchMs.
    const result: AgentEvent<unknown> = {
      type: 'step-start',
      path: [],
      stepNumber: 9,
      kind: 'tools',
    };
    await vi.advanceTimersByTimeAsync(50);
    pushRunEvent(buffer, result);
    await vi.advanceTimersByTimeAsync(149);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(written.at(-1)).toEqual({ from: 1, events: [result] });
    release();
    expect(await step).toBe('slow call done');
    // The body that ended stops listening: a later event waits for a later step.
    pushRunEvent(buffer, stepStart(10));
    await vi.advanceTimersByTimeAsync(1000);
    expect(written).toHaveLength(2);
  });

  it("lets the body's error win over a write that failed during it; the write's failure comes next", async () => {
    vi.mocked(DBOS.writeStream).mockRejectedValueOnce(new Error('write lost'));
    const buffer = createRunEventBuffer();
    buffer.events.push(stepStart(1));
    // Bodies that outlast batchMs (0): their timer writes during them.
    const ranBatchMs = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
    const failed = await withTimedFlush(buffer, 0, async () => {
      await ranBatchMs();
      throw new Error('tool broke');
    }).catch((error: unknown) => error);
    expect((failed as Error).message).toBe('tool broke');
    const next = await withTimedFlush(buffer, 0, async () => 'ok').catch((error: unknown) => error);
    expect((next as Error).message).toBe('write lost');
    // Reported once; the event goes out with the write after.
    expect(
      await withTimedFlush(buffer, 0, async () => {
        await ranBatchMs();
        return 'ok';
      }),
    ).toBe('ok');
    expect(written).toEqual([{ from: 0, events: [stepStart(1)] }]);
  });

  it('runs the body alone when the run has no buffer (events not watched)', async () => {
    expect(await withTimedFlush(undefined, 0, async () => 7)).toBe(7);
    expect(written).toEqual([]);
  });
});

describe('startDeltaPreview', () => {
  it('writes the deltas at the indices the agent will give them, batchSize at once', async () => {
    const buffer = createRunEventBuffer();
    buffer.events.push(stepStart(1));
    await flushRunEvents(buffer);
    buffer.events.push({ type: 'step-start', path: [], stepNumber: 2, kind: 'tools' });
    const preview = startDeltaPreview(buffer, { batchMs: 60_000, batchSize: 3 });
    expect(preview).toBeDefined();
    // Empty texts and non-text parts are no deltas, as in core's emitDeltas.
    preview?.push(chunk('Hel', ''));
    preview?.push({
      candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'f' } }] } }],
    } as never);
    preview?.push(chunk({ thought: 'hmm' }, 'lo'));
    await preview?.stop();
    expect(written.at(-1)).toEqual({
      from: 1,
      events: [
        stepStart(2),
        { type: 'text-delta', path: [], stepNumber: 2, text: 'Hel' },
        { type: 'thought-delta', path: [], stepNumber: 2, text: 'hmm' },
        { type: 'text-delta', path: [], stepNumber: 2, text: 'lo' },
      ],
    });
    expect(buffer.written).toBe(5);
    // The agent now emits those deltas and its step end: only the step end is written next.
    buffer.events.push(
      { type: 'text-delta', path: [], stepNumber: 2, text: 'Hel' },
      { type: 'thought-delta', path: [], stepNumber: 2, text: 'hmm' },
      { type: 'text-delta', path: [], stepNumber: 2, text: 'lo' },
      { type: 'step-end', path: [], stepNumber: 2 } as unknown as AgentEvent<unknown>,
    );
    await flushRunEvents(buffer);
    expect(written.at(-1)).toEqual({
      from: 5,
      events: [{ type: 'step-end', path: [], stepNumber: 2 }],
    });
    expect((await readBack(written)).map((line) => line.split(':')[0])).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('writes fewer deltas than batchSize once batchMs has passed since the last write', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const buffer = createRunEventBuffer();
    buffer.events.push(stepStart(1));
    await flushRunEvents(buffer);
    const preview = startDeltaPreview(buffer, { batchMs: 200, batchSize: 64 });
    preview?.push(chunk('a'));
    preview?.push(chunk('b'));
    await vi.advanceTimersByTimeAsync(199);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(written.at(-1)?.events.map((event) => (event as { text?: string }).text)).toEqual([
      'a',
      'b',
    ]);
    await preview?.stop();
  });

  it('gives the indices back when the call fails: later events take them', async () => {
    const buffer = createRunEventBuffer();
    buffer.events.push(stepStart(1));
    const preview = startDeltaPreview(buffer, { batchMs: 60_000, batchSize: 1 });
    preview?.push(chunk('partial'));
    await preview?.abandon();
    expect(buffer.written).toBe(1);
    // The agent's next events (a retry's step) are written from index 1.
    buffer.events.push(stepStart(2));
    await flushRunEvents(buffer);
    expect(written.at(-1)).toEqual({ from: 1, events: [stepStart(2)] });
  });

  it('is no preview before the run has a step', () => {
    expect(startDeltaPreview(createRunEventBuffer(), { batchMs: 1, batchSize: 1 })).toBeUndefined();
  });
});

// key-leaks2 found the stream holding a client key the model wrote, split over deltas. The
// stream is written without the keys of the run's clients, every event at its index.
describe('the key hold-back', () => {
  const KEY = 'secret-key-123';
  const delta = (text: string): AgentEvent<unknown> => ({
    type: 'text-delta',
    path: [],
    stepNumber: 1,
    text,
  });
  const stepEnd = { type: 'step-end', path: [], step: { text: `my ${KEY} ok sec` } };
  const emitted = [
    stepStart(1),
    delta('my secr'),
    delta('et-key-123 ok'),
    delta(' sec'),
    stepEnd as unknown as AgentEvent<unknown>,
  ];

  it('the preview writes only final deltas; the agent, the rest at their indices; a re-run, the same', async () => {
    const buffer = createRunEventBuffer(() => [KEY]);
    pushRunEvent(buffer, stepStart(1));
    await flushRunEvents(buffer);
    const preview = startDeltaPreview(buffer, { batchMs: 60_000, batchSize: 1 });
    // 'secr' may start the key: nothing is written until the next chunk shows it does.
    preview?.push(chunk('my secr'));
    expect(written).toHaveLength(1);
    preview?.push(chunk('et-key-123 ok'));
    // ' sec' may start it again: it waits, and the call ends.
    preview?.push(chunk(' sec'));
    await preview?.stop();
    expect(written.at(-1)).toEqual({ from: 1, events: [delta('my [redacted]'), delta(' ok')] });
    // The agent emits the call's deltas and its step end: ' sec' goes with the step end.
    for (const event of emitted.slice(1)) pushRunEvent(buffer, event);
    await flushRunEvents(buffer);
    expect(written.at(-1)).toEqual({
      from: 3,
      events: [delta(' sec'), { ...stepEnd, step: { text: 'my [redacted] ok sec' } }],
    });
    const stored = await readBack(written);
    expect(stored).toEqual([
      '0:step-start:1',
      '1:text-delta:my [redacted]',
      '2:text-delta: ok',
      '3:text-delta: sec',
      '4:step-end:undefined',
    ]);
    // A takeover replays the run into a fresh buffer and writes it all again: the same events.
    const again = createRunEventBuffer(() => [KEY]);
    for (const event of emitted) pushRunEvent(again, event);
    await flushRunEvents(again);
    expect(written.at(-1)).toEqual({
      from: 0,
      events: written.slice(0, 3).flatMap((b) => b.events),
    });
    expect(await readBack(written)).toEqual(stored);
  });

  it("stores the run-end's result without the key: the durable A2A door answers with it (leftovers41)", async () => {
    const buffer = createRunEventBuffer(() => [KEY]);
    const runEnd = { type: 'run-end', result: { text: `my ${KEY} ok`, finishReason: 'STOP' } };
    pushRunEvent(buffer, runEnd as unknown as AgentEvent<unknown>);
    await flushRunEvents(buffer);
    expect(written.at(-1)?.events).toEqual([
      { type: 'run-end', result: { text: 'my [redacted] ok', finishReason: 'STOP' } },
    ]);
  });

  it('writes nothing from a delta that may start a key until it is known, or the run ends', async () => {
    const buffer = createRunEventBuffer(() => [KEY]);
    for (const event of [stepStart(1), delta('a'), delta('b secret-k')])
      pushRunEvent(buffer, event);
    pushRunEvent(buffer, { ...stepStart(1), path: ['child'] });
    await flushRunEvents(buffer);
    expect(written.at(-1)).toEqual({ from: 0, events: [stepStart(1), delta('a')] });
    await flushRunEvents(buffer, true);
    // The run ended on 8 characters of the key's start: masked (key-leaks3, web/key-hold.ts keyAt).
    expect(written.at(-1)).toEqual({
      from: 2,
      events: [delta('b [redacted]'), { ...stepStart(1), path: ['child'] }],
    });
  });
});
