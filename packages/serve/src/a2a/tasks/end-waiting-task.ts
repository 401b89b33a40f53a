import type { Task } from '@a2a-js/sdk';
import {
  AgentEvent,
  type ExecutionEventBusManager,
  type PushNotificationSender,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';

/**
 * Ends a task that no request is driving (an `input-required` task whose approval expired) with
 * `status`, as the SDK's request handler would had a request been reading it: the status is
 * saved in `store` first (a subscriber told it reads the task back so), then published on the
 * task's live bus (its `SubscribeToTask` subscribers get the status-update; a terminal one ends
 * their streams), sent to the task's push notification webhooks through `push`, and the bus is
 * finished and let go (nothing runs the task any more). A task the store no longer holds (evicted,
 * deleted) is left alone. @internal
 */
export async function endWaitingTask(
  parts: {
    store: TaskStore;
    buses: ExecutionEventBusManager;
    push: PushNotificationSender | undefined;
  },
  taskId: string,
  context: ServerCallContext,
  status: NonNullable<Task['status']>,
): Promise<void> {
  const task = await parts.store.load(taskId, context);
  if (task === undefined) return;
  const ended: Task = { ...task, status };
  await parts.store.save(ended, context);
  const update = { taskId, contextId: task.contextId, status, metadata: {} };
  const bus = parts.buses.getByTaskId(taskId, context);
  if (bus !== undefined) {
    bus.publish(AgentEvent.statusUpdate(update));
    // The SDK's queues stop at a terminal status already; `finished` also ends a reader that
    // came between, and the manager forgets the bus (as the SDK's `_settleBus` does at the end).
    bus.finished();
    parts.buses.cleanupByTaskId(taskId, context);
  }
  // Not awaited, as the SDK does not: a slow webhook does not hold the task's end (the door's
  // sender reports its own failures to `onError`).
  void parts.push?.send({ payload: { $case: 'statusUpdate', value: update } }, context, ended);
}
