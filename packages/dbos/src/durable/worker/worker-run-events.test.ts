// Two executions of one run in one worker, each writing through its own event buffer. DBOS's
// static API is replaced: its workflow id and its ownership check on `writeStream` come from the
// execution the code runs in (a context of this test), as DBOS takes them from its own.

import { AsyncLocalStorage } from 'node:async_hooks';
import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createApprovalHook,
  createApprovalState,
  PENDING_APPROVALS_KEY,
  RunPausedSignal,
} from '../approvals/approvals.ts';
import { lookupApproval, markPaused } from '../approvals/run-pauses.ts';
import { createRunEventBuffer, type EventBatch, pushRunEvent } from '../events/run-events.ts';
import { createSteerCheck, createSteerWatch } from '../steering/durable-steering.ts';
import { createWorkerRunEvents } from './worker-run-events.ts';

// The pauses table, as approvals.ts reads it: the test says what each lookup finds.
vi.mock('../approvals/run-pauses.ts', () => ({ lookupApproval: vi.fn(), markPaused: vi.fn() }));

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
      const execution = { runId: 'run-1', buffer: first, approvals: createApprovalState() };
      events.running.set('run-1', execution);
      return events.execute(execution, async () => {
        pushRunEvent(first, step(1));
        // Its next step, taken once the second started: its timed write goes out, then the
        // body fails DBOS's ownership check (the model call's fence).
        await started;
        const lost = new DBOSErrors.DBOSWorkflowConflictError('run-1');
        await expect(
          events.timed(async () => {
            // A body that ran batchMs (0): its timer wrote during it.
            await new Promise((resolve) => setTimeout(resolve, 5));
            throw lost;
          }),
        ).rejects.toBe(lost);
      });
    });
    await execution.run({ workflowId: 'run-1', token: 'second' }, () => {
      const execution = { runId: 'run-1', buffer: second, approvals: createApprovalState() };
      events.running.set('run-1', execution);
      return events.execute(execution, async () => {
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
      events.execute({ runId: 'run-1', buffer, approvals: createApprovalState() }, async () => {
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

  it("keeps a stale execution's approval pause and pending calls out of the owner's", async () => {
    const events = createWorkerRunEvents({ batchMs: 0, batchSize: 64 });
    // As make-durable-agent.ts wires it: one hook for every execution of every run.
    const { hook } = createApprovalHook({
      needsApproval: ['refund'],
      userHook: undefined,
      timeoutMs: 60_000,
      flush: async () => {},
      pauser: { pool: {} as never, stop: async () => {}, resume: async () => {} },
      stateOf: () => events.current()?.approvals,
    });
    const published: { token: string; list: unknown }[] = [];
    vi.spyOn(DBOS, 'setEvent').mockImplementation(async (key, value) => {
      if (key === PENDING_APPROVALS_KEY) {
        published.push({ token: execution.getStore()?.token ?? '', list: structuredClone(value) });
      }
    });
    vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => body());
    // The stale execution finds no decision for its call and pauses; the owner finds its own.
    vi.mocked(lookupApproval).mockImplementation(async (_pool, _runId, approvalId) =>
      approvalId.startsWith('1.')
        ? { type: 'none', cancelled: false }
        : ({ type: 'decided', decision: { type: 'approve' } } as never),
    );
    vi.mocked(markPaused).mockResolvedValue('paused');
    const refund = (stepNumber: number, toolCallId: string) => ({
      toolName: 'refund',
      toolCallId,
      args: {},
      rawArgs: {},
      stepNumber,
      callIndex: 0,
      contents: [],
      signal: new AbortController().signal,
      path: [],
    });
    owner = 'second';
    const stale = {
      runId: 'run-1',
      buffer: createRunEventBuffer(),
      approvals: createApprovalState(),
    };
    const own = {
      runId: 'run-1',
      buffer: createRunEventBuffer(),
      approvals: createApprovalState(),
    };
    // The first execution, no longer the owner, reaches the approval of its step 1 and pauses.
    await execution.run({ workflowId: 'run-1', token: 'first' }, () =>
      events.execute(stale, async () => {
        await expect(hook?.(refund(1, 'stale-call'))).rejects.toBeInstanceOf(RunPausedSignal);
      }),
    );
    // The owner's call at step 2 is approved; it publishes its own pending calls only.
    await execution.run({ workflowId: 'run-1', token: 'second' }, () =>
      events.execute(own, async () => {
        await expect(hook?.(refund(2, 'own-call'))).resolves.toEqual({ type: 'approve' });
      }),
    );
    const ids = (list: unknown): string[] =>
      (list as { approvalId: string }[]).map(({ approvalId }) => approvalId);
    expect(published.map(({ token, list }) => [token, ids(list)])).toEqual([
      ['first', ['1.0:stale-call']],
      ['second', ['2.0:own-call']],
      ['second', []],
    ]);
    // The stale one's pause is its own: the owner's failure is not taken for a pause (the run
    // workflow reads its execution's `paused`), and no watcher is told the stale call waits.
    expect(stale.approvals.paused).toBe(true);
    expect(own.approvals.paused).toBe(false);
    expect(own.approvals.pending).toEqual([]);
  });

  it("keeps a stale execution's steering marks out of the owner's next boundary", async () => {
    const events = createWorkerRunEvents({ batchMs: 0, batchSize: 64 });
    // As start-durable-worker.ts wires it; `note` reads no database.
    const watch = createSteerWatch({
      pool: {} as never,
      checkOf: () => events.current()?.steerCheck,
      runIdOf: () => DBOS.workflowID,
    });
    const executionOf = (token: string) => {
      const steerCheck = createSteerCheck();
      // Both read steering, and both read it at their last boundary.
      steerCheck.topics.set('gemloop.steer', false);
      return { token, state: { runId: 'run-1', steerCheck, approvals: createApprovalState() } };
    };
    const stale = executionOf('first');
    const own = executionOf('second');
    events.running.set('run-1', own.state);
    // The stale execution's step recorded that a message waits: its own next boundary reads.
    await execution.run({ workflowId: 'run-1', token: stale.token }, () =>
      events.execute(stale.state, async () => watch.note(true)),
    );
    expect(stale.state.steerCheck.topics.get('gemloop.steer')).toBe(true);
    // The owner's does not: its recorded steps decide it (a read it did not record would be an
    // operation its replay does not meet).
    expect(own.state.steerCheck.topics.get('gemloop.steer')).toBe(false);
  });
});
