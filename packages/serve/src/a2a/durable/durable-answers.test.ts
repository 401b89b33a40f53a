import { type AgentCard, type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { fakeDurableRuns } from '../__fixtures__/fake-durable-runs.ts';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { WatchedTaskStore } from '../tasks/saved-first-request-handler.ts';
import { TaskSubscribers } from '../tasks/task-subscribers.ts';
import { createDurableExecutor } from './durable-executor.ts';
import { DurableRequestHandler } from './durable-request-handler.ts';

// Answers to a durable task that waits for approval, at two doors sharing one task store (two
// workers of a fleet). A fresh-clone CI run once got both answers back `rejected` (state 7): the
// second answer read the task after the first had moved it to `working`, its door published
// `rejected` on the shared task, and the SDK then ignored the run's own `completed` (a task that
// ended stays ended), so the first answer ended `rejected` too while the run went on. These
// tests order the two answers with the store's saves and the runs' `approve`, never with time.

const card = {
  name: 'refunds',
  capabilities: { streaming: true },
} as unknown as AgentCard;
const alice = () => new ServerCallContext({ user: ownerUser('alice') });

/** The shared store; `saved(test)` resolves once a task passing `test` is saved. */
function watchedStore() {
  const inner = new InMemoryTaskStore();
  const waiters: { test: (task: Task) => boolean; resolve: () => void }[] = [];
  const store: TaskStore = {
    load: (id, context) => inner.load(id, context),
    list: (params, context) => inner.list(params, context),
    save: async (task, context) => {
      await inner.save(task, context);
      for (const waiter of waiters.filter((each) => each.test(task))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
  };
  const saved = (test: (task: Task) => boolean) =>
    new Promise<void>((resolve) => {
      waiters.push({ test, resolve });
    });
  return { store, inner, saved };
}

/** A store over `inner` whose saves of a task in `state` wait until `release()`. */
function holdingStore(inner: TaskStore, state: TaskState) {
  let entered: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const store: TaskStore = {
    load: (id, context) => inner.load(id, context),
    list: (params, context) => inner.list(params, context),
    save: async (task, context) => {
      if (task.status?.state === state) {
        entered();
        await released;
      }
      await inner.save(task, context);
    },
  };
  return { store, held, release };
}

/**
 * Two doors (each its own executor and buses, as two workers have) on one store and one fleet;
 * `storeOfB` wraps the store door B sees.
 */
function twoDoors(storeOfB: (shared: TaskStore) => TaskStore = (shared) => shared) {
  const fleet = fakeDurableRuns();
  const watched = watchedStore();
  const errors: unknown[] = [];
  const onError = (error: unknown) => {
    errors.push(error);
  };
  const door = (store: TaskStore) =>
    new DurableRequestHandler({
      card,
      store: new WatchedTaskStore(store),
      executor: createDurableExecutor({ durable: { runs: fleet.runs, agent: 'refunds' }, onError }),
      buses: new TaskSubscribers(32),
      runs: fleet.runs,
      pushStore: undefined,
      pushSender: undefined,
      onError,
    });
  return {
    fleet,
    ...watched,
    doorA: door(watched.store),
    doorB: door(storeOfB(watched.store)),
    errors,
  };
}

const message = (text: string, on: { taskId?: string; contextId?: string } = {}) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
      ...on,
    },
  }) as never;

const stateOf = (result: unknown) => (result as Task).status?.state;
/** What a request came to: its value, or the error it failed with. */
const settle = <T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error as Error }),
  );

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function askedTask(doors: ReturnType<typeof twoDoors>) {
  const asked = (await doors.doorA.sendMessage(message('Refund order 7.'), alice())) as Task;
  expect(stateOf(asked)).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  return { asked, on: { taskId: asked.id, contextId: asked.contextId } };
}

describe('two answers to one durable task that waits, at two doors', () => {
  it('the answer that reads the task working is refused by name, and the first completes (not both rejected)', async () => {
    const doors = twoDoors();
    const { fleet, doorA, doorB, saved } = doors;
    const { asked, on } = await askedTask(doors);
    const working = saved(
      (task) => task.id === asked.id && task.status?.state === TaskState.TASK_STATE_WORKING,
    );
    const first = settle(doorA.sendMessage(message('approve', on), alice()));
    // The first answer has reached the run and the store reads the task working: the order the
    // CI run hit under load (the second request came one agent-card fetch later).
    await working;
    const second = await settle(doorB.sendMessage(message('approve', on), alice()));
    fleet.finish(asked.id);
    const firstDone = await first;

    expect(second).toEqual({ error: expect.any(Error) });
    expect(second.error?.message).toContain('This task is working');
    expect(stateOf(firstDone.value)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(fleet.decisions(asked.id)).toEqual([{ approvalId: 'a-1', type: 'approve' }]);
    const read = await doorB.getTask({ id: asked.id } as never, alice());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(doors.errors).toEqual([]);
  });

  it('refuses a streamed answer that reads the task working before any event, and leaves the task alone', async () => {
    const doors = twoDoors();
    const { fleet, doorA, doorB, saved } = doors;
    const { asked, on } = await askedTask(doors);
    const working = saved(
      (task) => task.id === asked.id && task.status?.state === TaskState.TASK_STATE_WORKING,
    );
    const first = collect(doorA.sendMessageStream(message('approve', on), alice()));
    await working;
    const second = await settle(collect(doorB.sendMessageStream(message('deny', on), alice())));
    expect(second.error?.message).toContain('This task is working');
    // Nothing of the refused answer reached the task: it still reads working.
    expect(
      (await doors.inner.load(asked.id, alice()))?.status?.state,
      'the refused answer left the task as the first answer made it',
    ).toBe(TaskState.TASK_STATE_WORKING);
    fleet.finish(asked.id);
    const states = (await first).flatMap((event) =>
      event.payload?.$case === 'statusUpdate' ? [event.payload.value.status?.state] : [],
    );
    expect(states).toEqual([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
    expect(fleet.decisions(asked.id)).toEqual([{ approvalId: 'a-1', type: 'approve' }]);
  });

  it('the store moves on between the door reading the task waiting and the SDK reading it: refused the same, by the executor', async () => {
    let gate: Promise<void> = Promise.resolve();
    let loads = 0;
    // Door B's first load of the task is its own check (waiting); its second, the SDK's, waits
    // until door A's answer has saved the task working.
    const doors = twoDoors((shared) => ({
      ...shared,
      load: async (id, context) => {
        loads += 1;
        if (loads === 2) await gate;
        return shared.load(id, context);
      },
      save: (task, context) => shared.save(task, context),
      list: (params, context) => shared.list(params, context),
    }));
    const { fleet, doorA, doorB, saved } = doors;
    const { asked, on } = await askedTask(doors);
    gate = saved(
      (task) => task.id === asked.id && task.status?.state === TaskState.TASK_STATE_WORKING,
    );
    loads = 0;
    const first = settle(doorA.sendMessage(message('approve', on), alice()));
    const second = await settle(doorB.sendMessage(message('approve', on), alice()));
    expect(loads).toBeGreaterThanOrEqual(2);
    expect(second.error?.message).toContain('This task is working');
    fleet.finish(asked.id);
    expect(stateOf((await first).value)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(fleet.decisions(asked.id)).toEqual([{ approvalId: 'a-1', type: 'approve' }]);
    const read = await doorA.getTask({ id: asked.id } as never, alice());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('both read the task waiting: the answer whose decision lands goes on, the other is refused naming why', async () => {
    const doors = twoDoors();
    const { fleet, doorA, doorB } = doors;
    const { asked, on } = await askedTask(doors);
    // A's answer reaches the runs' `approve` and is held there, before its decision is recorded.
    const held = fleet.holdNextApprove();
    const first = settle(doorA.sendMessage(message('approve', on), alice()));
    await held.entered;
    // B reads the task still waiting (A has saved nothing since), and its denial lands first.
    const decided = fleet.decided(asked.id);
    const second = settle(doorB.sendMessage(message('deny: not this one', on), alice()));
    await decided;
    held.release();
    fleet.finish(asked.id);
    const [firstDone, secondDone] = await Promise.all([first, second]);

    expect(firstDone.error?.message).toContain('answered already');
    expect(stateOf(secondDone.value)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(fleet.decisions(asked.id)).toEqual([{ approvalId: 'a-1', type: 'reject' }]);
    const read = await doorA.getTask({ id: asked.id } as never, alice());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('an answer whose door cannot read the run is refused with an error, and the task still waits for it', async () => {
    const doors = twoDoors();
    const { fleet, doorA, doorB } = doors;
    const { asked, on } = await askedTask(doors);
    fleet.failNextRead();
    const lost = await settle(doorA.sendMessage(message('approve', on), alice()));
    // Not `failed` on the task every door shares: the run still waits, and nothing answered it.
    expect(lost.error?.message).toContain('could not be read');
    expect((await doors.inner.load(asked.id, alice()))?.status?.state).toBe(
      TaskState.TASK_STATE_INPUT_REQUIRED,
    );
    expect(fleet.decisions(asked.id)).toEqual([]);
    const again = settle(doorB.sendMessage(message('approve', on), alice()));
    await fleet.decided(asked.id);
    fleet.finish(asked.id);
    expect(stateOf((await again).value)).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('the door that asked keeps no bus of the waiting task: resubscribed there after another door took the answer, it follows the run', async () => {
    const doors = twoDoors();
    const { fleet, doorA, doorB, saved } = doors;
    const { asked, on } = await askedTask(doors);
    const working = saved(
      (task) => task.id === asked.id && task.status?.state === TaskState.TASK_STATE_WORKING,
    );
    // Door B takes the answer and follows the run (its worker could die now: door A must be able
    // to take the task over). A bus door A kept from its question would take the resubscriber,
    // and nothing publishes on it any more: the resubscription never ended.
    const answered = settle(doorB.sendMessage(message('approve', on), alice()));
    await working;
    const resubscribed = collect(doorA.resubscribe({ id: asked.id } as never, alice()));
    fleet.finish(asked.id);
    const events = await resubscribed;
    const last = events.at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' ? last.value.status?.state : undefined).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    expect(stateOf((await answered).value)).toBe(TaskState.TASK_STATE_COMPLETED);
  });
});

// The other reading of the CI failure: the first `send` told `input-required` before the store
// held it, so both answers read the task working. Not so on the send paths: the SDK's blocking
// `sendMessage` and `sendMessageStream` save each event before they answer or stream it.
describe('a durable task that asks for approval is told input-required only once it is saved', () => {
  for (const how of ['unary', 'streamed'] as const) {
    it(`${how}: the answer waits for the save`, async () => {
      const fleet = fakeDurableRuns();
      const inner = new InMemoryTaskStore();
      const holding = holdingStore(inner, TaskState.TASK_STATE_INPUT_REQUIRED);
      const door = new DurableRequestHandler({
        card,
        store: new WatchedTaskStore(holding.store),
        executor: createDurableExecutor({
          durable: { runs: fleet.runs, agent: 'refunds' },
          onError: (error) => {
            throw error;
          },
        }),
        buses: new TaskSubscribers(32),
        runs: fleet.runs,
        pushStore: undefined,
        pushSender: undefined,
        onError: (error) => {
          throw error;
        },
      });
      let told: TaskState | undefined;
      const answered =
        how === 'unary'
          ? door.sendMessage(message('Refund order 7.'), alice()).then((task) => {
              told = stateOf(task);
            })
          : collect(door.sendMessageStream(message('Refund order 7.'), alice())).then((events) => {
              const last = events.at(-1)?.payload;
              told = last?.$case === 'statusUpdate' ? last.value.status?.state : undefined;
            });
      await holding.held;
      // The save of input-required is held: whatever else runs meanwhile, the client is not told.
      for (let turn = 0; turn < 20; turn += 1)
        await new Promise((resolve) => setImmediate(resolve));
      expect(told).toBeUndefined();
      holding.release();
      await answered;
      expect(told).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    });
  }
});
