import { type AgentCard, type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, ServerCallContext } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { fakeDurableRuns } from '../__fixtures__/fake-durable-runs.ts';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { WatchedTaskStore } from '../tasks/saved-first-request-handler.ts';
import { TaskSubscribers } from '../tasks/task-subscribers.ts';
import { createDurableExecutor } from './durable-executor.ts';
import { DurableRequestHandler } from './durable-request-handler.ts';

// attack60c: a durable task that asked for approval (`input-required`) whose calls then timed out
// on the worker (`approvalTimeoutMs`: each denied, the run goes on to its end). Nobody followed
// the run any more: the door that asked stopped at the question, and a door never follows a task
// that waits for its client. Reading it (GetTask, SubscribeToTask, at any door) answered
// `input-required` for ever, asking for calls no answer can reach (only a message, which the
// door reads as an answer to no call, followed the run on).

const card = { name: 'refunds', capabilities: { streaming: true } } as unknown as AgentCard;
const alice = () => new ServerCallContext({ user: ownerUser('alice') });

function door(fleet: ReturnType<typeof fakeDurableRuns>, store: InMemoryTaskStore) {
  const errors: unknown[] = [];
  const onError = (error: unknown) => {
    errors.push(error);
  };
  const handler = new DurableRequestHandler({
    card,
    store: new WatchedTaskStore(store),
    executor: createDurableExecutor({ durable: { runs: fleet.runs, agent: 'refunds' }, onError }),
    buses: new TaskSubscribers(32),
    runs: fleet.runs,
    pushStore: undefined,
    pushSender: undefined,
    onError,
  });
  return { handler, errors };
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

const answerOf = (task: Task | undefined) =>
  (task?.artifacts ?? [])
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

async function expiredTask() {
  const fleet = fakeDurableRuns();
  const store = new InMemoryTaskStore();
  const doorA = door(fleet, store);
  const asked = (await doorA.handler.sendMessage(message('Refund order 7.'), alice())) as Task;
  expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  // The worker's sweep denies the waiting call; the run goes on and completes.
  fleet.expire(asked.id);
  fleet.finish(asked.id);
  return { fleet, store, doorA, asked };
}

describe('a durable task whose approval timed out on the worker', () => {
  it('reads as the run ended, at the door that asked and at another', async () => {
    const { fleet, store, doorA, asked } = await expiredTask();
    // Read at once: the door follows the run now, and the task works on or has ended (the
    // in-memory run's events are read in a few turns), no longer asking.
    const first = await doorA.handler.getTask({ id: asked.id } as never, alice());
    expect([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]).toContain(
      first.status?.state,
    );
    // A task that ended takes no subscriber (the SDK refuses it, typed): read to the end if not.
    if (first.status?.state === TaskState.TASK_STATE_WORKING) {
      for await (const _event of doorA.handler.resubscribe({ id: asked.id } as never, alice())) {
        // Read to the run's end.
      }
    }
    const read = await doorA.handler.getTask({ id: asked.id } as never, alice());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(read)).toBe('refund denied');
    const doorB = door(fleet, store);
    expect((await doorB.handler.getTask({ id: asked.id } as never, alice())).status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    expect(fleet.decisions(asked.id)).toEqual([{ approvalId: 'a-1', type: 'reject' }]);
    expect([...doorA.errors, ...doorB.errors]).toEqual([]);
  });

  it('a resubscribe at another door follows it to its end', async () => {
    const { fleet, store, asked } = await expiredTask();
    const doorB = door(fleet, store);
    const states: (TaskState | undefined)[] = [];
    for await (const event of doorB.handler.resubscribe({ id: asked.id } as never, alice())) {
      const response = event as StreamResponse;
      if (response.payload?.$case === 'statusUpdate')
        states.push(response.payload.value.status?.state);
      if (response.payload?.$case === 'task') states.push(response.payload.value.status?.state);
    }
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(doorB.errors).toEqual([]);
  });

  it('a task that still waits is not followed: it reads input-required, and is answered as before', async () => {
    const fleet = fakeDurableRuns();
    const store = new InMemoryTaskStore();
    const doorA = door(fleet, store);
    const asked = (await doorA.handler.sendMessage(message('Refund order 7.'), alice())) as Task;
    const doorB = door(fleet, store);
    const read = await doorB.handler.getTask({ id: asked.id } as never, alice());
    expect(read.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const on = { taskId: asked.id, contextId: asked.contextId };
    const answering = doorB.handler.sendMessage(message('approve', on), alice());
    await fleet.decided(asked.id);
    fleet.finish(asked.id);
    expect(((await answering) as Task).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(fleet.decisions(asked.id)).toEqual([{ approvalId: 'a-1', type: 'approve' }]);
    expect([...doorA.errors, ...doorB.errors]).toEqual([]);
  });
});
