import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRunEventBuffer, type EventBatch, withTimedFlush } from './run-events.ts';

const event = (stepNumber: number): AgentEvent<unknown> => ({
  type: 'step-start',
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
