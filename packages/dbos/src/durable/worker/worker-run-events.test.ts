// Two executions of one run in one worker, each writing through its own event buffer. DBOS's
// static API is replaced: its workflow id and its ownership check on `writeStream` come from the
// execution the code runs in (a context of this test), as DBOS takes them from its own.

import { AsyncLocalStorage } from 'node:async_hooks';
import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRunEventBuffer, type EventBatch, pushRunEvent } from '../run-events.ts';
import { createWorkerRunEvents } from './worker-run-events.ts';

/** The execution the calling code belongs to, as DBOS knows it: its workflow and its token. */
const execution = new AsyncLocalStorage<{ workflowId: string; token: string }>();
/** The run's owner now, as DBOS's row says (`owner_xid`). */
let owner: string;
let written: { token: string; batch: EventBatch }[];

beforeEach(() => {
  written = [];
  vi.spyOn(DBOS, 'workflowID', 'get').mockImplementation(() => execution.getStore()?.workflowId);
  vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
    const token = execution.getStore()?.token ?? '';
    // DBOS's check: a write of an execution that no longer owns its run fails.
    if (token !== owner) throw new DBOSErrors.DBOSWorkflowConflictError('run-1');
    written.push({ token, batch: structuredClone(value as EventBatch) });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** An event of the run, told apart by its step number. */
const step = (stepNumber: number): AgentEvent<unknown> => ({
  type: 'step-start',
  path: [],
  stepNumber,
  kind: 'tools',
});
const steps = (batch: EventBatch): number[] =>
  batch.events.map((event) => (event as { stepNumber: number }).stepNumber);

describe('createWorkerRunEvents', () => {
  it("keeps a run's stale execution out of the new owner's buffer: the owner's steps go on", async () => {
    const events = createWorkerRunEvents({ batchMs: 0, batchSize: 64 });
    const first = createRunEventBuffer();
    const second = createRunEventBuffer();
    // The run was resumed twice: the first execution started, then the second, which owns the
    // run now (as register-run-workflow.ts registers each execution's buffer).
    owner = 'second';
    let secondStarted = (): void => {};
    const started = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const firstRunning = execution.run({ workflowId: 'run-1', token: 'first' }, () => {
      events.buffers.set('run-1', first);
      return events.execute('run-1', first, async () => {
        pushRunEvent(first, step(1));
        // Its next step, taken once the second started: its timed write goes out, then the
        // body fails DBOS's ownership check (the model call's fence).
        await started;
        const lost = new DBOSErrors.DBOSWorkflowConflictError('run-1');
        await expect(
          events.timed(async () => {
            throw lost;
          }),
        ).rejects.toBe(lost);
      });
    });
    await execution.run({ workflowId: 'run-1', token: 'second' }, () => {
      events.buffers.set('run-1', second);
      return events.execute('run-1', second, async () => {
        pushRunEvent(second, step(1));
        secondStarted();
        await firstRunning;
        // The owner's next step writes its events and returns its result: the first
        // execution's failed write is not taken for this one's loss of the run.
        pushRunEvent(second, step(2));
        await expect(events.timed(async () => 'answer')).resolves.toBe('answer');
        await events.flushCurrent();
      });
    });
    expect(written.map(({ token, batch }) => [token, batch.from, steps(batch)])).toEqual([
      ['second', 0, [1, 2]],
    ]);
    // The first's own buffer holds its failure, for its own next write to report.
    expect(first.failure?.error).toBeInstanceOf(DBOSErrors.DBOSWorkflowConflictError);
    expect(second.failure).toBeUndefined();
  });

  it("gives a subagent's child workflow, started from a run's code, no buffer of the run", async () => {
    const events = createWorkerRunEvents({ batchMs: 0, batchSize: 64 });
    const buffer = createRunEventBuffer();
    owner = 'run';
    await execution.run({ workflowId: 'run-1', token: 'run' }, () =>
      events.execute('run-1', buffer, async () => {
        expect(events.currentBuffer()).toBe(buffer);
        // DBOS starts the child from the parent's code: its context is the parent's, its
        // workflow id its own.
        await execution.run({ workflowId: 'run-1/1.0:call-research', token: 'child' }, async () => {
          expect(events.currentBuffer()).toBeUndefined();
        });
      }),
    );
    // Outside any execution of a run (a step of a batch job, the worker's own code): none.
    expect(events.currentBuffer()).toBeUndefined();
  });
});
