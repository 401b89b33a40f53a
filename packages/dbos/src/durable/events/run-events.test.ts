import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDeltaPreview } from './delta-preview.ts';
import {
  captureRequest,
  createRunEventBuffer,
  EVENTS_EVERY_MODEL_CALLS,
  type EventBatch,
  flushRunEvents,
  withTimedFlush,
  writeEventsAsFence,
} from './run-events.ts';

const event = (stepNumber: number): AgentEvent<unknown> => ({
  type: 'step-start',
  path: [],
  stepNumber,
  kind: 'tools',
});

describe('withTimedFlush', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  // Up to the twenty-fourth session a body wrote once batchMs had passed since the last write:
  // at load, where DBOS's own statements between two bodies take longer than batchMs, that was
  // one write (two statements) a step; on a quiet machine one every other step.
  it.each([0, 50, 300, 1000])(
    'writes nothing from short step bodies, however long the steps between them take (%i ms)',
    async (between) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const written: EventBatch[] = [];
      vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
        written.push(value as EventBatch);
      });
      const buffer = createRunEventBuffer();
      for (let step = 1; step <= 10; step++) {
        buffer.events.push(event(step));
        // DBOS's statements before the body (a loaded machine makes them slow).
        vi.setSystemTime(Date.now() + between);
        const running = withTimedFlush(buffer, 200, async () => step);
        await vi.advanceTimersByTimeAsync(0);
        expect(await running).toBe(step);
      }
      expect(written).toEqual([]);
      await flushRunEvents(buffer);
      expect(written).toEqual([{ from: 0, events: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(event) }]);
    },
  );
});

describe('writeEventsAsFence', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A run of `steps` agent steps (a model call, then a tool step that fences), `between` ms apart. */
  async function runOfToolSteps(steps: number, between: number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const written: EventBatch[] = [];
    vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
      written.push(structuredClone(value as EventBatch));
    });
    const buffer = createRunEventBuffer();
    const fenced: number[] = [];
    for (let step = 1; step <= steps; step++) {
      captureRequest(buffer, { contents: [], model: 'm' });
      buffer.events.push(event(step));
      vi.setSystemTime(Date.now() + between);
      const model = withTimedFlush(buffer, 200, async () => 'response');
      await vi.advanceTimersByTimeAsync(0);
      await model;
      vi.setSystemTime(Date.now() + between);
      const tool = withTimedFlush(buffer, 200, async () => {
        if (!(await writeEventsAsFence(buffer))) fenced.push(step);
        return 'result';
      });
      await vi.advanceTimersByTimeAsync(0);
      await tool;
    }
    return { written, fenced, buffer };
  }

  it('writes the pending events in place of every third tool fence, the same at any pace', async () => {
    expect(EVENTS_EVERY_MODEL_CALLS).toBe(3);
    const quiet = await runOfToolSteps(10, 0);
    expect(quiet.fenced).toEqual([1, 2, 4, 5, 7, 8, 10]);
    expect(quiet.written.map(({ from, events }) => [from, events.length])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
    ]);
    // Each model call's frame goes with the entry that follows it.
    expect(quiet.written.flatMap(({ requests }) => requests?.map(({ call }) => call))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    vi.useRealTimers();
    vi.restoreAllMocks();
    const loaded = await runOfToolSteps(10, 400);
    expect(loaded.fenced).toEqual(quiet.fenced);
    expect(loaded.written).toEqual(quiet.written);
  });

  it("throws DBOS's refusal of the write (the run was lost) before the tool starts, and fences nothing else", async () => {
    const lost = new Error('run-1 is owned by another execution');
    vi.spyOn(DBOS, 'writeStream').mockRejectedValueOnce(lost);
    const buffer = createRunEventBuffer();
    for (let call = 0; call < EVENTS_EVERY_MODEL_CALLS; call++) {
      captureRequest(buffer, { contents: [] });
    }
    buffer.events.push(event(1));
    await expect(writeEventsAsFence(buffer)).rejects.toBe(lost);
    // Not written: the event goes again with the next write.
    expect(buffer.written).toBe(0);
    expect(buffer.requestsWritten).toBe(0);
  });

  it('leaves the fence to the caller when nothing can be written (no event yet)', async () => {
    const writes = vi.spyOn(DBOS, 'writeStream').mockResolvedValue(undefined);
    const buffer = createRunEventBuffer();
    for (let call = 0; call < EVENTS_EVERY_MODEL_CALLS; call++) {
      captureRequest(buffer, { contents: [] });
    }
    expect(await writeEventsAsFence(buffer)).toBe(false);
    expect(writes).not.toHaveBeenCalled();
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
