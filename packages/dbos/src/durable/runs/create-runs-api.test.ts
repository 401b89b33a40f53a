import type { AgentEvent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../events/run-events.ts';
import { createRunsApi } from './create-runs-api.ts';
import type { RunsBackend } from './runs-backend.ts';

const delta = (text: string): AgentEvent => ({ type: 'text-delta', path: [], stepNumber: 1, text });

/** A backend whose stream holds `batches`; every other call is unused here. */
function backendWith(batches: EventBatch[]): RunsBackend {
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  return {
    pool: undefined as never,
    resume: unused,
    readStream: async function* () {
      yield* batches;
    },
    enqueue: unused,
    getResult: unused,
    // A run the database does not know ends the read once its stream is drained.
    getStatus: async () => undefined,
    getEvent: unused,
    send: unused,
    cancel: unused,
    listWorkflows: unused,
    close: unused,
  };
}

async function collect(
  iterable: AsyncIterable<{ offset: number; event: AgentEvent }>,
): Promise<unknown[]> {
  const items = [];
  for await (const item of iterable)
    items.push({ offset: item.offset, text: (item.event as { text: string }).text });
  return items;
}

describe('DurableRuns.events', () => {
  // A step that ran again after a crash, or the first live step after a takeover, writes events
  // a reader already has: the indices make it skip them.
  const overlapping: EventBatch[] = [
    { from: 0, events: [delta('a'), delta('b')] },
    { from: 0, events: [delta('a'), delta('b'), delta('c')] },
    { from: 2, events: [delta('c'), delta('d')] },
  ];

  it('yields each event once, in order, however the batches overlap', async () => {
    const runs = createRunsApi(backendWith(overlapping));
    expect(await collect(runs.events('run'))).toEqual([
      { offset: 0, text: 'a' },
      { offset: 1, text: 'b' },
      { offset: 2, text: 'c' },
      { offset: 3, text: 'd' },
    ]);
  });

  it('reconnects from an offset without repeating or missing an event', async () => {
    const runs = createRunsApi(backendWith(overlapping));
    expect(await collect(runs.events('run', { offset: 2 }))).toEqual([
      { offset: 2, text: 'c' },
      { offset: 3, text: 'd' },
    ]);
  });
});

describe('DurableRuns.events and a reader gone (attack40)', () => {
  /** A run that goes on: `read` is how DBOS's read of its stream behaves; looks are counted. */
  function goingOn(read: () => AsyncGenerator<EventBatch, void, unknown>) {
    let looks = 0;
    const backend: RunsBackend = {
      ...backendWith([]),
      pool: { query: async () => ({ rows: [] }) } as never,
      pollingIntervalMs: 5,
      readStream: read,
      getStatus: async () => {
        looks++;
        return { workflowID: 'run', status: 'PENDING' } as never;
      },
    };
    return { runs: createRunsApi(backend), looks: () => looks };
  }

  it('a run waiting between reads (a decision for days): the abort ends its polling', async () => {
    // Each read ends at once with nothing (a paused run's workflow is stopped): the reader polls.
    const run = goingOn(async function* () {});
    const controller = new AbortController();
    const reading = collect(run.runs.events('run', { signal: controller.signal }));
    while (run.looks() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    // On main this never settled: the loop polled on with nobody reading (the hang guard failed).
    expect(await reading).toEqual([]);
    const looks = run.looks();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.looks()).toBe(looks);
  });

  it('a read DBOS holds open (a running run writing nothing): the abort ends the events', async () => {
    let returned = false;
    const run = goingOn(async function* () {
      try {
        yield { from: 0, events: [delta('a')] };
        await new Promise(() => {});
      } finally {
        returned = true;
      }
    });
    const controller = new AbortController();
    const seen: unknown[] = [];
    for await (const entry of run.runs.events('run', { signal: controller.signal })) {
      seen.push(entry.offset);
      controller.abort();
    }
    expect(seen).toEqual([0]);
    // The read DBOS holds is left, not awaited: it ends at the run's next entry.
    expect(returned).toBe(false);
  });

  it('result() of a run that waits: the abort ends the wait with its reason, and the polling', async () => {
    const run = goingOn(async function* () {});
    const controller = new AbortController();
    const waiting = run.runs.result('run', { signal: controller.signal });
    while (run.looks() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('client gone'));
    // On main result() took no signal: it polled on for as long as the run waited.
    await expect(waiting).rejects.toThrow('client gone');
    const looks = run.looks();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.looks()).toBe(looks);
  });

  it('refuses a signal that is not an AbortSignal, naming it', async () => {
    const run = goingOn(async function* () {});
    const error = await collect(run.runs.events('run', { signal: 'stop' as never })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ argument: 'signal' });
    await expect(run.runs.result('run', { signal: 'stop' as never })).rejects.toMatchObject({
      argument: 'signal',
    });
    await expect(run.runs.result('run', { sginal: undefined } as never)).rejects.toMatchObject({
      argument: 'options.sginal',
    });
    expect(run.looks()).toBe(0);
  });
});

describe('DurableRuns.approve', () => {
  it('refuses a toolCallId that two waiting calls share, naming their approvalIds', async () => {
    const pending = [
      {
        approvalId: '1.0:dup',
        toolCallId: 'dup',
        toolName: 'refund',
        args: {},
        stepNumber: 1,
        callIndex: 0,
      },
      {
        approvalId: '1.1:dup',
        toolCallId: 'dup',
        toolName: 'refund',
        args: {},
        stepNumber: 1,
        callIndex: 1,
      },
    ];
    const runs = createRunsApi({
      ...backendWith([]),
      getEvent: async <T>(_runId: string, key: string): Promise<T | null> =>
        (key === 'gemloop.approvals' ? pending : null) as T | null,
      // No subagent of this run waits (their calls are listed from their child workflows).
      listWorkflows: async () => [],
    });
    const error = await runs
      .approve('run', 'dup', { type: 'approve' })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('1.0:dup, 1.1:dup');
  });

  it('refuses a decision it cannot read before anything is sent', async () => {
    const runs = createRunsApi(backendWith([]));
    const error = await runs
      .approve('run', 'c1', { type: 'approve-all' } as never)
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
  });
});
