import { type AgentCard, type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  DefaultExecutionEventBusManager,
  DefaultRequestHandler,
  InMemoryTaskStore,
  ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { SavedFirstRequestHandler, WatchedTaskStore } from './saved-first-request-handler.ts';
import { TaskSubscribers } from './task-subscribers.ts';

// A task run by one request (a streamed send) and read by another (a resubscribe) of the same
// door: both read the task's events off one bus, and only the send's reading saves them. The
// resubscriber is told a status only once the store holds it (the SDK's own handler tells it at
// once, and a `getTask` right after a resubscribe that ended `completed` could read `working`).

const card = { name: 'support', capabilities: { streaming: true } } as unknown as AgentCard;
const alice = () => new ServerCallContext({ user: ownerUser('alice') });

/** A store whose saves of a task `completed` wait until `release()`; `held` once one waits. */
function holdingStore() {
  const inner = new InMemoryTaskStore();
  let entered: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let working: () => void = () => {};
  const workingSaved = new Promise<void>((resolve) => {
    working = resolve;
  });
  const store: TaskStore = {
    load: (id, context) => inner.load(id, context),
    list: (params, context) => inner.list(params, context),
    save: async (task, context) => {
      if (task.status?.state === TaskState.TASK_STATE_COMPLETED) {
        entered();
        await released;
      }
      await inner.save(task, context);
      if (task.status?.state === TaskState.TASK_STATE_WORKING) working();
    },
  };
  return { store, held, release, workingSaved };
}

/** An executor that works until `finish()`, then completes. */
function gatedExecutor() {
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const executor: AgentExecutor = {
    async execute(request, bus) {
      const { taskId, contextId } = request;
      const status = (state: TaskState) =>
        bus.publish(
          AgentEvent.statusUpdate({
            taskId,
            contextId,
            status: { state, message: undefined, timestamp: new Date().toISOString() },
            metadata: {},
          }),
        );
      bus.publish(
        AgentEvent.task({
          id: taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: '' },
          artifacts: [],
          history: [request.userMessage],
          metadata: {},
        } as Task),
      );
      status(TaskState.TASK_STATE_WORKING);
      await finished;
      status(TaskState.TASK_STATE_COMPLETED);
    },
    async cancelTask() {},
  };
  return { executor, finish };
}

const message = (text: string) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
    },
  }) as never;

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Runs a streamed task, resubscribes to it, and ends it with the save of `completed` held. */
async function resubscribeWhileSaveHeld(
  make: (store: TaskStore, executor: AgentExecutor) => DefaultRequestHandler,
) {
  const holding = holdingStore();
  const { executor, finish } = gatedExecutor();
  const handler = make(holding.store, executor);
  const sending = handler.sendMessageStream(message('Hold on.'), alice());
  const first = await sending.next();
  const task = (first.value as StreamResponse).payload;
  if (task?.$case !== 'task') throw new Error('the stream starts with the task');
  const sent = collect({ [Symbol.asyncIterator]: () => sending });
  await holding.workingSaved;
  const told: (TaskState | undefined)[] = [];
  const subscription = handler.resubscribe({ id: task.value.id } as never, alice());
  const read = (async () => {
    for await (const event of subscription) {
      if (event.payload?.$case === 'statusUpdate') told.push(event.payload.value.status?.state);
    }
  })();
  finish();
  await holding.held;
  // Every event of the bus has reached both readers by now (the executor published `completed`
  // in one go, the store's save of it is held): what the resubscriber was told is all it gets.
  for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  const toldWhileHeld = [...told];
  holding.release();
  await Promise.all([read, sent]);
  const stored = await handler.getTask({ id: task.value.id } as never, alice());
  return { toldWhileHeld, told, stored };
}

describe('SavedFirstRequestHandler', () => {
  it('tells a resubscriber `completed` only once the task store holds it', async () => {
    const { toldWhileHeld, told, stored } = await resubscribeWhileSaveHeld(
      (store, executor) =>
        new SavedFirstRequestHandler(
          card,
          new WatchedTaskStore(store),
          executor,
          new TaskSubscribers(32),
          undefined,
          undefined,
        ),
    );
    expect(toldWhileHeld).not.toContain(TaskState.TASK_STATE_COMPLETED);
    expect(told.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(stored.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('(the SDK`s own handler tells it before the save: what this guards against)', async () => {
    const { toldWhileHeld } = await resubscribeWhileSaveHeld(
      (store, executor) =>
        new DefaultRequestHandler(card, store, executor, new DefaultExecutionEventBusManager()),
    );
    expect(toldWhileHeld).toContain(TaskState.TASK_STATE_COMPLETED);
  });

  it('a waiter on a task that is not stored, or is stored so already, does not wait', async () => {
    const inner = new InMemoryTaskStore();
    const watched = new WatchedTaskStore(inner);
    await watched.reached('nope', alice(), TaskState.TASK_STATE_COMPLETED);
    await watched.save(
      {
        id: 't-1',
        contextId: 'c',
        status: { state: TaskState.TASK_STATE_CANCELED },
        artifacts: [],
        history: [],
      } as unknown as Task,
      alice(),
    );
    // Ended otherwise: the status the resubscriber is about to be told will never be stored.
    await watched.reached('t-1', alice(), TaskState.TASK_STATE_COMPLETED);
    expect((await watched.load('t-1', alice()))?.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });
});

describe('WatchedTaskStore under a store that fails', () => {
  it('a save that fails tells a waiter for its status at once, not after the 30 s guard', async () => {
    const inner = new InMemoryTaskStore();
    let failing = false;
    const store = new WatchedTaskStore({
      load: (id, context) => inner.load(id, context),
      list: (params, context) => inner.list(params, context),
      save: (task, context) =>
        failing ? Promise.reject(new Error('the database is down')) : inner.save(task, context),
    });
    const task = (state: TaskState) =>
      ({
        id: 't1',
        contextId: 'c1',
        status: { state },
        history: [],
        artifacts: [],
      }) as unknown as Task;
    await store.save(task(TaskState.TASK_STATE_WORKING), alice());
    let told = false;
    const reached = store.reached('t1', alice(), TaskState.TASK_STATE_COMPLETED).then(() => {
      told = true;
    });
    // The waiter has read the store (working) and waits for the save of `completed`.
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(false);
    failing = true;
    // A failed save of another status does not tell it.
    await expect(store.save(task(TaskState.TASK_STATE_WORKING), alice())).rejects.toThrow(/down/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(false);
    await expect(store.save(task(TaskState.TASK_STATE_COMPLETED), alice())).rejects.toThrow(/down/);
    // One macrotask later, not 30 s later.
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(true);
    await reached;
  });
});
