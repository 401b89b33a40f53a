import { type AgentCard, type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { type ExecutionEventBus, InMemoryTaskStore, ServerCallContext } from '@a2a-js/sdk/server';
import type { AgentEvent } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { WatchedTaskStore } from '../tasks/saved-first-request-handler.ts';
import { TaskSubscribers } from '../tasks/task-subscribers.ts';
import type { A2ADurableRuns } from './durable-a2a-runs.ts';
import { createDurableExecutor } from './durable-executor.ts';
import { DurableRequestHandler } from './durable-request-handler.ts';

// attack60c: a cancel that races the durable run's end. DBOS cancels only a run that has not
// ended (`cancelWorkflows` updates no run whose status is SUCCESS or ERROR: @dbos-inc/dbos-sdk
// 5.3 `dist/src/system_database.js`), so a run that completed a moment before the cancel stays
// completed, its tools' work done. The door told the client `canceled` all the same, and the
// task kept that for ever, the run's answer (and its context's turn) never saved.

const card = { name: 'refunds', capabilities: { streaming: true } } as unknown as AgentCard;
const alice = () => new ServerCallContext({ user: ownerUser('alice') });
const ANSWER = 'Order 7 is refunded.';

type Run = {
  owner: string;
  events: AgentEvent[];
  status: 'PENDING' | 'SUCCESS' | 'CANCELLED';
  wake: Set<() => void>;
};

/**
 * Durable runs in memory, cancelled as DBOS cancels: a run that ended stays as it ended.
 * `holdStatus()` holds the next `status` read (the follower's, after the run's events end)
 * until released.
 */
function dbosLikeRuns() {
  const runs = new Map<string, Run>();
  const statusReads: string[] = [];
  let held: Promise<void> | undefined;
  const wakeAll = (run: Run) => {
    for (const wake of run.wake) wake();
  };
  const durable: A2ADurableRuns = {
    async start(_agent, { runId, owner = '' }) {
      runs.set(runId, { owner, events: [], status: 'PENDING', wake: new Set() });
      return { runId };
    },
    async *events(runId, { offset = 0, signal } = {}) {
      const run = runs.get(runId);
      if (run === undefined) throw new Error(`no run "${runId}"`);
      let next = offset;
      while (!signal?.aborted) {
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
          signal?.addEventListener('abort', wake, { once: true });
        });
      }
    },
    async status(runId) {
      statusReads.push(runId);
      const gate = held;
      held = undefined;
      if (gate !== undefined) await gate;
      const run = runs.get(runId);
      return run === undefined ? undefined : { status: run.status, owner: run.owner };
    },
    async result() {
      return { text: ANSWER };
    },
    async cancel(runId) {
      const run = runs.get(runId);
      if (run === undefined) throw new Error(`no run "${runId}"`);
      if (run.status !== 'PENDING') return;
      run.status = 'CANCELLED';
      wakeAll(run);
    },
  };
  return {
    runs: durable,
    statusReads,
    state: (runId: string) => runs.get(runId)?.status,
    /** Ends the run completed: its answer and its `run-end`, as a worker writes them. */
    finish(runId: string) {
      const run = runs.get(runId) as Run;
      run.events.push({ type: 'text-delta', path: [], text: ANSWER } as unknown as AgentEvent);
      run.events.push({
        type: 'run-end',
        path: [],
        result: { text: ANSWER },
      } as unknown as AgentEvent);
      run.status = 'SUCCESS';
      wakeAll(run);
    },
    holdStatus() {
      let release: () => void = () => {};
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
      return release;
    },
  };
}

function door(
  fleet: ReturnType<typeof dbosLikeRuns>,
  store: InMemoryTaskStore,
  buses = new TaskSubscribers(32),
) {
  const errors: unknown[] = [];
  const onError = (error: unknown) => {
    errors.push(error);
  };
  const handler = new DurableRequestHandler({
    card,
    store: new WatchedTaskStore(store),
    executor: createDurableExecutor({ durable: { runs: fleet.runs, agent: 'refunds' }, onError }),
    buses,
    runs: fleet.runs,
    pushStore: undefined,
    pushSender: undefined,
    onError,
  });
  return { handler, errors };
}

const message = (text: string) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
    },
  }) as never;

const settle = <T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error as Error }),
  );

const answerOf = (task: Task | undefined) =>
  (task?.artifacts ?? [])
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

/** Until `check()` holds: turns of the event loop (a hang guard is the test's own limit). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('a cancel that reaches a durable run after it completed', () => {
  it('at the door following the run: not cancelable, and the task completes with the answer', async () => {
    const fleet = dbosLikeRuns();
    const store = new InMemoryTaskStore();
    const { handler, errors } = door(fleet, store);
    const stream = handler.sendMessageStream(message('Refund order 7.'), alice());
    const first = await stream.next();
    const taskId = (first.value as StreamResponse).payload?.value as Task;
    const events: StreamResponse[] = [];
    const reading = (async () => {
      for await (const event of stream) events.push(event);
    })();
    // The run completes; the follower has read its events and reads its status (held there).
    const release = fleet.holdStatus();
    fleet.finish(taskId.id);
    await until(() => fleet.statusReads.length === 1);

    const cancel = settle(handler.cancelTask({ id: taskId.id } as never, alice()));
    let settled = false;
    void cancel.then(() => {
      settled = true;
    });
    // The cancel has asked the run (before: it answered `canceled` without asking).
    await until(() => settled || fleet.statusReads.length === 2);
    release();
    const { value, error } = await cancel;
    await reading;

    expect(fleet.state(taskId.id)).toBe('SUCCESS');
    expect(value?.status?.state).toBeUndefined();
    expect(error?.name).toBe('TaskNotCancelableError');
    const stored = await store.load(taskId.id, alice());
    expect(stored?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(stored)).toBe(ANSWER);
    const states = events.flatMap((event) =>
      event.payload?.$case === 'statusUpdate' ? [event.payload.value.status?.state] : [],
    );
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(states).not.toContain(TaskState.TASK_STATE_CANCELED);
    expect(errors).toEqual([]);
  });

  it('at a door that does not follow it (the starting door died): not cancelable, and the task takes the answer', async () => {
    const fleet = dbosLikeRuns();
    const store = new InMemoryTaskStore();
    // Door A started the task's run and saved it working, then died (nobody follows the run).
    const asked = {
      id: 'task-1',
      contextId: 'ctx-1',
      status: { state: TaskState.TASK_STATE_WORKING },
      history: [],
      artifacts: [],
      metadata: {},
    } as unknown as Task;
    await fleet.runs.start('refunds', {
      runId: asked.id,
      input: 'Refund order 7.',
      owner: 'alice',
    });
    await store.save(asked, alice());
    const doorB = door(fleet, store);
    fleet.finish(asked.id);

    const { value, error } = await settle(
      doorB.handler.cancelTask({ id: asked.id } as never, alice()),
    );

    expect(fleet.state(asked.id)).toBe('SUCCESS');
    expect(value?.status?.state).toBeUndefined();
    expect(error?.name).toBe('TaskNotCancelableError');
    const read = await doorB.handler.getTask({ id: asked.id } as never, alice());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(read)).toBe(ANSWER);
    expect(doorB.errors).toEqual([]);
  });

  it('a run still working is cancelled as before, and a second cancel reads it canceled', async () => {
    const fleet = dbosLikeRuns();
    const store = new InMemoryTaskStore();
    const { handler, errors } = door(fleet, store);
    const stream = handler.sendMessageStream(message('Refund order 7.'), alice());
    const task = (await stream.next()).value?.payload?.value as Task;
    const reading = (async () => {
      for await (const _event of stream) {
        // Read to the end.
      }
    })();
    const canceled = await handler.cancelTask({ id: task.id } as never, alice());
    await reading;
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(fleet.state(task.id)).toBe('CANCELLED');
    const again = await handler.cancelTask({ id: task.id } as never, alice());
    expect(again.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    // Another door, after: the same.
    const other = door(fleet, store);
    expect((await other.handler.cancelTask({ id: task.id } as never, alice())).status?.state).toBe(
      TaskState.TASK_STATE_CANCELED,
    );
    expect([...errors, ...other.errors]).toEqual([]);
  });
});

describe('a cancel at the door following the run (attack61d)', () => {
  it('publishes `canceled` exactly once, though the follower also sees the run end cancelled', async () => {
    const fleet = dbosLikeRuns();
    // DBOS's cancel marks the run cancelled, then returns after more queries: the follower's read
    // of the run's events ends and it reads the run's status meanwhile.
    const cancel = fleet.runs.cancel.bind(fleet.runs);
    fleet.runs.cancel = async (runId, options) => {
      await cancel(runId, options);
      await until(() => fleet.statusReads.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const store = new InMemoryTaskStore();
    const buses = new TaskSubscribers(32);
    const { handler, errors } = door(fleet, store, buses);
    const stream = handler.sendMessageStream(message('Refund order 7.'), alice());
    const task = (await stream.next()).value?.payload?.value as Task;
    // What every subscriber of the task's bus hears (push notifications, resubscribes).
    const published: unknown[] = [];
    const bus = buses.getByTaskId(task.id, alice()) as ExecutionEventBus;
    const publish = bus.publish.bind(bus);
    bus.publish = (event) => {
      const { kind, data } = event as { kind?: string; data?: { status?: { state?: unknown } } };
      if (kind === 'statusUpdate') published.push(data?.status?.state);
      publish(event);
    };
    const reading = (async () => {
      for await (const _event of stream) {
        // Read to the end.
      }
    })();

    const canceled = await handler.cancelTask({ id: task.id } as never, alice());
    await reading;
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    // The follower read the run's status (it saw the run end), and so did the cancel.
    expect(fleet.statusReads.length).toBeGreaterThanOrEqual(2);
    expect(published.filter((state) => state === TaskState.TASK_STATE_CANCELED)).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
