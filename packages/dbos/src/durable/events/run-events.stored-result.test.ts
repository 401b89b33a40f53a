import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRunEventBuffer,
  type EventBatch,
  flushRunEvents,
  pushRunEvent,
} from './run-events.ts';

// store-once42: the run's own `run-end` holds the run's result, which the workflow returns and
// DBOS stores as its output; written whole it was the same 28 MB twice for a 4 MB model turn. It
// goes without it (`resultAt`) only when it holds that very result, as the workflow returns it.

const KEY = 'AIzaSyStoreOnce42-dbos-0123456789abcdefg';

afterEach(() => {
  vi.restoreAllMocks();
});

function capture(): EventBatch[] {
  const written: EventBatch[] = [];
  vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
    written.push(structuredClone(value as EventBatch));
  });
  vi.spyOn(DBOS, 'closeStream').mockImplementation(async () => {});
  return written;
}

const start: AgentEvent<unknown> = { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' };

function resultOf(text: string) {
  return { text, contents: [{ role: 'model', parts: [{ text }] }] } as unknown as Extract<
    AgentEvent<unknown>,
    { type: 'run-end' }
  >['result'];
}

describe('the run-end event of a durable run’s stream', () => {
  it('is written without the result the workflow returns, naming its index', async () => {
    const written = capture();
    const buffer = createRunEventBuffer();
    const result = resultOf('Order 7 shipped.');
    pushRunEvent(buffer, start);
    pushRunEvent(buffer, { type: 'run-end', path: [], result });
    buffer.result = result;
    await flushRunEvents(buffer, true);
    expect(written).toEqual([
      { from: 0, events: [start, { type: 'run-end', path: [] }], resultAt: 1 },
    ]);
  });

  it('is written whole when the hold-back took a key out of it (the output keeps the model’s words)', async () => {
    const written = capture();
    const buffer = createRunEventBuffer(() => [KEY]);
    const result = resultOf(`Your key is ${KEY}.`);
    pushRunEvent(buffer, start);
    pushRunEvent(buffer, { type: 'run-end', path: [], result });
    buffer.result = result;
    await flushRunEvents(buffer, true);
    expect(written).toHaveLength(1);
    expect(written[0]?.resultAt).toBeUndefined();
    const end = written[0]?.events[1] as { result?: { text?: string } };
    expect(end.result?.text).toContain('[redacted]');
    expect(JSON.stringify(written)).not.toContain(KEY);
  });

  it('is written whole for a subagent’s end, another result, or a run that failed (no result)', async () => {
    const written = capture();
    const buffer = createRunEventBuffer();
    const result = resultOf('Order 7 shipped.');
    const child = resultOf('From the child.');
    pushRunEvent(buffer, { type: 'run-end', path: ['research'], result: child });
    pushRunEvent(buffer, { type: 'run-end', path: [], result: resultOf('Order 7 shipped.') });
    buffer.result = result;
    await flushRunEvents(buffer, true);
    const failed = createRunEventBuffer();
    pushRunEvent(failed, { type: 'run-end', path: [], result });
    await flushRunEvents(failed, true);
    expect(written.map((batch) => batch.resultAt)).toEqual([undefined, undefined]);
    expect(written.flatMap((batch) => batch.events.map((event) => 'result' in event))).toEqual([
      true,
      true,
      true,
    ]);
  });
});
