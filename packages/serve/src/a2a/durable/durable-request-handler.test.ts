import { type AgentCard, type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type ExecutionEventBus,
  InMemoryTaskStore,
  ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { WatchedTaskStore } from '../tasks/saved-first-request-handler.ts';
import { TaskSubscribers } from '../tasks/task-subscribers.ts';
import type { A2ADurableRuns } from './durable-a2a-runs.ts';
import type { DurableExecutor } from './durable-executor.ts';
import { DurableRequestHandler } from './durable-request-handler.ts';

// A door following a durable task it did not start (the door that did died): the followed run's
// events reach the resubscribing client and the task store by two readers of one bus. A client
// told an event must read it back: a task store slow to save (Postgres at load 20) once let
// `getTask` after a resubscribe that ended `completed` read the task still `working`.

const card = { name: 'support', capabilities: { streaming: true } } as unknown as AgentCard;
const context = () => new ServerCallContext({ user: ownerUser('alice') });

function working(id: string): Task {
  return {
    id,
    contextId: 'ctx-1',
    status: { state: TaskState.TASK_STATE_WORKING },
    history: [],
    artifacts: [],
  } as unknown as Task;
}

/** The shared store, each save of a finished task held until `release()`. */
function slowStore() {
  const inner = new InMemoryTaskStore();
  const held: (() => void)[] = [];
  const store: TaskStore = {
    load: (id, ctx) => inner.load(id, ctx),
    list: (params, ctx) => inner.list(params, ctx),
    save: async (task, ctx) => {
      if (task.status?.state === TaskState.TASK_STATE_COMPLETED) {
        await new Promise<void>((resolve) => held.push(resolve));
      }
      return inner.save(task, ctx);
    },
  };
  return {
    store,
    inner,
    release: () => {
      for (const resolve of held.splice(0)) resolve();
    },
    held,
  };
}

/** A durable executor whose `follow` plays the run's end: working, then completed. */
function following(): DurableExecutor {
  return {
    execute: async () => {},
    cancelTask: async () => {},
    isWorking: () => false,
    follow: async (task: Task, _context: ServerCallContext, bus: ExecutionEventBus) => {
      // The run's stored events come from the database: never before the resubscriber listens.
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const state of [TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]) {
        bus.publish(
          AgentEvent.statusUpdate({
            taskId: task.id,
            contextId: task.contextId,
            status: { state, message: undefined, timestamp: new Date().toISOString() },
            metadata: {},
          }),
        );
      }
    },
  } as unknown as DurableExecutor;
}

function handlerWith(store: TaskStore) {
  return new DurableRequestHandler({
    card,
    store: new WatchedTaskStore(store),
    executor: following(),
    buses: new TaskSubscribers(32),
    runs: {} as A2ADurableRuns,
    pushStore: undefined,
    pushSender: undefined,
    onError: (error) => {
      throw error;
    },
  });
}

describe('DurableRequestHandler following a task whose door died', () => {
  it('tells a resubscriber each event only once the task store holds it', async () => {
    const { store, inner, release, held } = slowStore();
    await inner.save(working('t-1'), context());
    const handler = handlerWith(store);
    const states: (TaskState | undefined)[] = [];
    const reading = (async () => {
      for await (const event of handler.resubscribe({ id: 't-1' } as never, context())) {
        if (event.payload?.$case === 'statusUpdate') states.push(event.payload.value.status?.state);
      }
    })();
    // The completed status waits for its save: the client has not been told it yet.
    // Until the save is held (a hang guard: the test's own limit; a thousand 1 ms turns, about
    // a second, could pass before a loaded machine got there).
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(held).toHaveLength(1);
    expect(states).not.toContain(TaskState.TASK_STATE_COMPLETED);
    release();
    await reading;
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    const read = await handler.getTask({ id: 't-1' } as never, context());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('answers getTask, while it follows the run, with what the run published, once saved', async () => {
    const { store, inner, release, held } = slowStore();
    await inner.save(working('t-2'), context());
    const handler = handlerWith(store);
    const reading = (async () => {
      for await (const _event of handler.resubscribe({ id: 't-2' } as never, context())) {
        // Read to the end.
      }
    })();
    // Until the save is held (a hang guard: the test's own limit; a thousand 1 ms turns, about
    // a second, could pass before a loaded machine got there).
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    // The run published `completed`; its save is held: getTask waits for it, not the stale row.
    let answered = false;
    const read = handler.getTask({ id: 't-2' } as never, context()).then((task) => {
      answered = true;
      return task;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release();
    expect((await read).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    await reading;
  });
});
