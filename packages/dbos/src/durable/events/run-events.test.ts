import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRunEventBuffer,
  type EventBatch,
  flushRunEvents,
  startDeltaPreview,
  withTimedFlush,
} from './run-events.ts';

const event = (stepNumber: number): AgentEvent<unknown> => ({
  type: 'step-start',
  path: [],
  stepNumber,
  kind: 'tools',
});

describe('withTimedFlush', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes pending events at most once per batchMs over short steps', async () => {
    const written: EventBatch[] = [];
    vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
      written.push(value as EventBatch);
    });
    const buffer = createRunEventBuffer();
    // Ten short steps, each after one more event: the first writes at once, the rest wait.
    for (let step = 1; step <= 10; step++) {
      buffer.events.push(event(step));
      await withTimedFlush(buffer, 10_000, async () => step);
    }
    expect(written).toEqual([{ from: 0, events: [event(1)] }]);
    expect(buffer.written).toBe(1);
  });
});

/** DBOS's error for a write by an execution that no longer owns its run (a stand-in). */
class OwnershipLost extends Error {}

/** Collects the rejections nobody handled while `body` runs (each ends a worker process). */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  try {
    await body();
    // Node reports an unhandled rejection after the microtasks of the turn it happened in.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  return seen;
}

describe('a write that fails while nobody waits for it (issue 26: a cancelled or taken-over run)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is no unhandled rejection: the step that writes next fails with it, once, and the events are written again after', async () => {
    const lost = new OwnershipLost('Workflow run-1 is no longer owned by this execution');
    const written: EventBatch[] = [];
    let failNext = true;
    let attempted!: () => void;
    const attempt = new Promise<void>((resolve) => {
      attempted = resolve;
    });
    vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
      attempted();
      if (failNext) {
        failNext = false;
        throw lost;
      }
      written.push(value as EventBatch);
    });
    const buffer = createRunEventBuffer();
    buffer.events.push(event(1));
    let stepError: unknown;
    const unhandled = await unhandledDuring(async () => {
      // The write goes out as the body starts and fails while the body still runs.
      stepError = await withTimedFlush(buffer, 10, async () => {
        await attempt;
        await new Promise((resolve) => setImmediate(resolve));
        return 'done';
      }).catch((error: unknown) => error);
    });
    expect(unhandled).toEqual([]);
    // The failure is the step's (so DBOS's ownership error reaches DBOS.runStep)...
    expect(stepError).toBe(lost);
    // ...reported once; the next write starts again from the event that was not written.
    buffer.events.push(event(2));
    await flushRunEvents(buffer);
    expect(written).toEqual([{ from: 0, events: [event(1), event(2)] }]);
  });

  it('a delta preview written from its timer: stop() fails with it, nothing unhandled', async () => {
    const lost = new OwnershipLost('Workflow run-1 is no longer owned by this execution');
    let attempted!: () => void;
    const attempt = new Promise<void>((resolve) => {
      attempted = resolve;
    });
    vi.spyOn(DBOS, 'writeStream').mockImplementation(async () => {
      attempted();
      throw lost;
    });
    const buffer = createRunEventBuffer();
    buffer.events.push(event(1));
    const preview = startDeltaPreview(buffer, { batchMs: 1, batchSize: 1 });
    let stopError: unknown;
    const unhandled = await unhandledDuring(async () => {
      // One delta reaches batchSize: written at once, while the model call goes on.
      preview?.push({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] } }] });
      await attempt;
      await new Promise((resolve) => setImmediate(resolve));
      stopError = await preview?.stop().catch((error: unknown) => error);
    });
    expect(unhandled).toEqual([]);
    expect(stopError).toBe(lost);
    // Nothing of that entry was written: the next write starts at its first event again.
    expect(buffer.written).toBe(0);
  });
});
