import type { AgentEvent } from '@gemloop/core';
import { emptyUsage } from '@gemloop/core/internal';
import type { A2ADurablePendingApproval, A2ADurableRuns } from '../durable/durable-a2a-runs.ts';

type FakeRun = {
  owner: string;
  events: AgentEvent[];
  pending: A2ADurablePendingApproval[];
  decisions: { approvalId: string; type: 'approve' | 'reject' }[];
  status: 'PENDING' | 'SUCCESS' | 'CANCELLED' | 'ERROR';
  /** The run's input, as `start` got it (its message's text). */
  input: unknown;
  text: string;
  wake: Set<() => void>;
  /** Its waiting calls timed out (the worker's `approvalTimeoutMs`): denied, the run went on. */
  expired?: boolean;
};

/**
 * `@gemloop/dbos`'s durable runs as the A2A door sees them, in memory: each run asks to approve
 * one call (`refund`, its event at offset 0) and waits; `approve` answers it as DBOS does (the
 * first decision wins, a second one throws, naming why); the run ends only when the test calls
 * `finish(runId)`, so a test orders what the doors do while it works. `holdNextApprove()` stops
 * the next `approve` before it records its decision, until `release()`.
 */
export function fakeDurableRuns() {
  const runs = new Map<string, FakeRun>();
  const decided = new Map<string, () => void>();
  let hold: { entered: () => void; released: Promise<void> } | undefined;
  let failRead = false;
  /** What each `start` was given, in order (the context's history and holder among them). */
  const starts: Parameters<A2ADurableRuns['start']>[1][] = [];

  const runOf = (runId: string, owner = ''): FakeRun => {
    const run = runs.get(runId);
    if (run === undefined || run.owner !== owner) throw new Error(`no run "${runId}"`);
    return run;
  };
  const publish = (run: FakeRun, event: unknown) => {
    run.events.push(event as AgentEvent);
    for (const wake of run.wake) wake();
  };

  const durable: Required<A2ADurableRuns> = {
    async start(_agent, options) {
      const { runId, owner = '' } = options;
      starts.push(options);
      const run: FakeRun = {
        owner,
        input: options.input,
        events: [],
        pending: [],
        decisions: [],
        status: 'PENDING',
        text: '',
        wake: new Set(),
      };
      runs.set(runId, run);
      // Listed before the call's event goes out, as @gemloop/dbos does.
      run.pending.push({ approvalId: 'a-1', toolCallId: 'c-1', toolName: 'refund', stepNumber: 1 });
      publish(run, {
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c-1',
        toolName: 'refund',
        args: { order: '7' },
      });
      return { runId };
    },
    async *events(runId, { offset = 0, owner } = {}) {
      const run = runOf(runId, owner);
      let next = offset;
      for (;;) {
        while (next < run.events.length) {
          yield { offset: next, event: run.events[next] as AgentEvent };
          next += 1;
        }
        if (run.status !== 'PENDING') return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            run.wake.delete(wake);
            resolve();
          };
          run.wake.add(wake);
        });
      }
    },
    async status(runId) {
      const run = runs.get(runId);
      return run === undefined ? undefined : { status: run.status, owner: run.owner };
    },
    async result(runId) {
      const run = runOf(runId, runs.get(runId)?.owner);
      if (run.status !== 'SUCCESS') throw new Error(`run "${runId}" did not succeed`);
      // A durable run's result as @gemloop/dbos reads it back: the turn's contents, the user's
      // message first (the approval's call and answer left out: the door stores what it gets).
      return {
        text: run.text,
        newContents: [
          { role: 'user', parts: [{ text: String(run.input) }] },
          { role: 'model', parts: [{ text: run.text }] },
        ],
        steps: [],
        usage: emptyUsage(),
      };
    },
    async cancel(runId, { owner } = {}) {
      const run = runOf(runId, owner);
      run.status = 'CANCELLED';
      run.pending = [];
      for (const wake of run.wake) wake();
    },
    async pendingApprovals(runId, { owner } = {}) {
      if (failRead) {
        failRead = false;
        throw new Error('connection terminated unexpectedly');
      }
      return [...runOf(runId, owner).pending];
    },
    async approve(runId, approvalId, decision, { owner } = {}) {
      const run = runOf(runId, owner);
      const held = hold;
      hold = undefined;
      if (held !== undefined) {
        held.entered();
        await held.released;
      }
      const index = run.pending.findIndex((each) => each.approvalId === approvalId);
      if (index < 0) {
        throw Object.assign(new Error(`The call "${approvalId}" does not wait any more.`), {
          state: run.expired ? 'timed-out' : 'decided',
        });
      }
      run.pending.splice(index, 1);
      run.decisions.push({ approvalId, type: decision.type });
      decided.get(runId)?.();
    },
  };

  return {
    runs: durable,
    /** The decisions recorded for `runId`, in order. */
    decisions: (runId: string) => runs.get(runId)?.decisions ?? [],
    /** Resolves once a decision for `runId` is recorded. */
    decided: (runId: string) =>
      new Promise<void>((resolve) => {
        if ((runs.get(runId)?.decisions.length ?? 0) > 0) resolve();
        else decided.set(runId, resolve);
      }),
    /** Ends `runId`: its answer text, then success. */
    finish(runId: string) {
      const run = runOf(runId, runs.get(runId)?.owner);
      const denied = run.decisions.some((each) => each.type === 'reject');
      run.text = denied ? 'refund denied' : 'refunded';
      publish(run, { type: 'text-delta', path: [], text: run.text });
      run.status = 'SUCCESS';
      for (const wake of run.wake) wake();
    },
    /** What each `start` was given, in order. */
    starts,
    /** Ends `runId` failed, as a run whose tool threw. */
    fail(runId: string) {
      const run = runOf(runId, runs.get(runId)?.owner);
      run.status = 'ERROR';
      run.pending = [];
      for (const wake of run.wake) wake();
    },
    /**
     * Times the waiting calls of `runId` out, as a worker's approval sweep does: each denied, and
     * the run goes on (`finish` ends it); an answer after this is refused as `timed-out`.
     */
    expire(runId: string) {
      const run = runOf(runId, runs.get(runId)?.owner);
      for (const { approvalId } of run.pending) run.decisions.push({ approvalId, type: 'reject' });
      run.pending = [];
      run.expired = true;
    },
    /** Makes the next `pendingApprovals` fail, as a lost database connection does. */
    failNextRead() {
      failRead = true;
    },
    /** Holds the next `approve` before it records anything: `entered` once it is held. */
    holdNextApprove() {
      let entered: () => void = () => {};
      let release: () => void = () => {};
      const enteredPromise = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      hold = { entered, released };
      return { entered: enteredPromise, release };
    },
  };
}
