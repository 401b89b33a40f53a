import {
  type AgentCard,
  type ListTasksRequest,
  type ListTasksResponse,
  type StreamResponse,
  type SubscribeToTaskRequest,
  type Task,
  TaskState,
} from '@a2a-js/sdk';
import {
  type AgentExecutor,
  DefaultRequestHandler,
  type DefaultRequestHandlerOptions,
  type PushNotificationSender,
  type PushNotificationStore,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import type { TaskSubscribers } from './task-subscribers.ts';

const TERMINAL: ReadonlySet<TaskState | undefined> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/**
 * How long a resubscriber waits at most for the store to hold a status it is about to be told: a
 * hang guard for a saver that failed (the SDK logs its failure), never a timing of the race.
 */
const SAVE_WAIT_GUARD_MS = 30_000;

type Waiter = { state: TaskState; done: () => void };

/**
 * A task store that says when a task's status is saved: `reached(taskId, context, state)`
 * resolves once the store holds the task in `state` (or ended). The SDK's request handler saves
 * a task's events as the request that runs the task reads them, and a resubscriber reads the
 * same events from the same bus: without this, it could be told `completed` before the save
 * landed and read the task back `working`. @internal
 */
export class WatchedTaskStore implements TaskStore {
  readonly #inner: TaskStore;
  readonly #waiters = new Map<string, Set<Waiter>>();

  constructor(inner: TaskStore) {
    this.#inner = inner;
  }

  load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    return this.#inner.load(taskId, context);
  }

  list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    return this.#inner.list(params, context);
  }

  async save(task: Task, context: ServerCallContext): Promise<void> {
    try {
      await this.#inner.save(task, context);
    } finally {
      // Saved, or failed: then the store will not hold the status, and a resubscriber waiting
      // for it is told now (the SDK reports the failure), not after the guard's 30 s.
      const waiting = this.#waiters.get(keyOf(context, task.id));
      for (const waiter of waiting ?? []) {
        if (holds(task.status?.state, waiter.state)) waiter.done();
      }
    }
  }

  /** Resolves once the store holds `context`'s task `taskId` in `state` or ended (or not at all). */
  async reached(taskId: string, context: ServerCallContext, state: TaskState): Promise<void> {
    const key = keyOf(context, taskId);
    let done: () => void = () => {};
    const saved = new Promise<void>((resolve) => {
      done = resolve;
    });
    const waiter: Waiter = { state, done };
    // Listening before the read: a save landing between the two is not missed.
    let waiting = this.#waiters.get(key);
    if (waiting === undefined) {
      waiting = new Set();
      this.#waiters.set(key, waiting);
    }
    waiting.add(waiter);
    let guard: ReturnType<typeof setTimeout> | undefined;
    try {
      const stored = await this.#inner.load(taskId, context);
      if (stored === undefined || holds(stored.status?.state, state)) return;
      guard = setTimeout(done, SAVE_WAIT_GUARD_MS);
      guard.unref?.();
      await saved;
    } finally {
      clearTimeout(guard);
      waiting.delete(waiter);
      if (waiting.size === 0 && this.#waiters.get(key) === waiting) this.#waiters.delete(key);
    }
  }
}

/**
 * The SDK's `DefaultRequestHandler`, but a resubscriber (`SubscribeToTask`) is told each status
 * of the task only once the task store holds it, so a client told `completed` reads the task back
 * completed. The store must be the handler's {@link WatchedTaskStore}; the buses hold at most
 * `maxSubscribersPerTask` resubscribers a task ({@link TaskSubscribers}). @internal
 */
export class SavedFirstRequestHandler extends DefaultRequestHandler {
  readonly #saves: WatchedTaskStore;
  readonly #buses: TaskSubscribers;

  constructor(
    card: AgentCard,
    store: WatchedTaskStore,
    executor: AgentExecutor,
    buses: TaskSubscribers,
    pushStore: PushNotificationStore | undefined,
    pushSender: PushNotificationSender | undefined,
    options?: DefaultRequestHandlerOptions,
  ) {
    super(card, store, executor, buses, pushStore, pushSender, undefined, undefined, options);
    this.#saves = store;
    this.#buses = buses;
  }

  override async *resubscribe(
    params: SubscribeToTaskRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    const events = this.#buses.counted(params.id, context, () =>
      super.resubscribe(params, context),
    );
    for await (const event of events) {
      const state =
        event.payload?.$case === 'statusUpdate' ? event.payload.value.status?.state : undefined;
      if (state !== undefined) await this.#saves.reached(params.id, context, state);
      yield event;
    }
  }
}

/** Whether a task stored in `stored` holds what a status `state` says (or went past it, ended). */
function holds(stored: TaskState | undefined, state: TaskState): boolean {
  return stored === state || TERMINAL.has(stored);
}

function keyOf(context: ServerCallContext, taskId: string): string {
  return JSON.stringify([context.tenant ?? '', context.user?.userName ?? '', taskId]);
}
