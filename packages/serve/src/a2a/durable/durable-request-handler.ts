import type { AgentCard } from '@a2a-js/sdk';
import {
  type CancelTaskRequest,
  type GetTaskRequest,
  type Message,
  type SendMessageRequest,
  type StreamResponse,
  type SubscribeToTaskRequest,
  type Task,
  TaskState,
} from '@a2a-js/sdk';
import { TaskNotCancelableError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import {
  ExecutionEventQueue,
  type PushNotificationSender,
  type PushNotificationStore,
  ResultManager,
  type ServerCallContext,
} from '@a2a-js/sdk/server';
import { statusPublisher } from '../task-parts.ts';
import {
  SavedFirstRequestHandler,
  type WatchedTaskStore,
} from '../tasks/saved-first-request-handler.ts';
import type { TaskSubscribers } from '../tasks/task-subscribers.ts';
import type { A2ADurableRuns } from './durable-a2a-runs.ts';
import { type DurableExecutor, endedFirst, WORKING_REFUSAL } from './durable-executor.ts';

const TERMINAL: ReadonlySet<TaskState | undefined> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/**
 * The SDK's `DefaultRequestHandler` for durable tasks, where the door that started a task may be
 * gone (its worker killed) while the task's durable run goes on elsewhere. The SDK serves a task
 * whose run has no event bus in this process as one nobody works on: a resubscribe yields the
 * stored task and ends, a cancel marks it canceled and leaves the run going. Here a door without
 * the bus starts following the durable run itself (its stored events, from the first, into a bus
 * of its own, saved to the task store as the SDK saves an execution's events) before the SDK
 * answers, and a cancel cancels the durable run. The task store (shared by every door: in
 * Postgres) says who may ask: another caller's task is not found, as the SDK answers. @internal
 */
export class DurableRequestHandler extends SavedFirstRequestHandler {
  readonly #store: WatchedTaskStore;
  readonly #executor: DurableExecutor;
  readonly #buses: TaskSubscribers;
  readonly #runs: A2ADurableRuns;
  readonly #onError: (error: unknown) => void;
  /**
   * By task this door follows: resolves once the task store holds every event published so far.
   * Two readers take the followed run's events from the bus (the store's saver and the SDK's
   * resubscribe), so a client could be told an event, the final one included, before it was
   * saved: a `getTask` right after a resubscribe ended then read the task still working (seen at
   * load 20 in durable-a2a-tasks.test.ts).
   */
  readonly #saved = new Map<string, () => Promise<void>>();

  constructor(options: {
    card: AgentCard;
    /** The shared store, watched: the follows' saves reach the resubscribers waiting for them. */
    store: WatchedTaskStore;
    executor: DurableExecutor;
    buses: TaskSubscribers;
    runs: A2ADurableRuns;
    pushStore: PushNotificationStore | undefined;
    pushSender: PushNotificationSender | undefined;
    onError: (error: unknown) => void;
  }) {
    super(
      options.card,
      options.store,
      options.executor,
      options.buses,
      options.pushStore,
      options.pushSender,
      // The SDK keeps a task's bus once it waits for input, for the answer to go on on it; a
      // durable task's answer may come at any door, and the one that takes it follows the run on
      // a bus of its own. A bus kept here took this door's resubscribers after another door took
      // the answer, and nothing published on it any more: they waited for ever.
      { keepBusAliveStates: [] },
    );
    this.#store = options.store;
    this.#executor = options.executor;
    this.#buses = options.buses;
    this.#runs = options.runs;
    this.#onError = options.onError;
  }

  /**
   * A message to a task another door works on (the durable run of a task that no longer waits for
   * its answer) is refused before the SDK reads it in: its read-modify-write of the shared task
   * would save a stale copy over the one the working door moved on. What the executor refuses
   * (the store moved on between the two reads) leaves as the same typed error.
   */
  override async sendMessage(
    params: SendMessageRequest,
    context: ServerCallContext,
  ): Promise<Message | Task> {
    await this.#refuseWorking(params, context);
    try {
      return await super.sendMessage(params, context);
    } catch (error) {
      throw this.#executor.refusalOf(context) ?? error;
    }
  }

  override async *sendMessageStream(
    params: SendMessageRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    await this.#refuseWorking(params, context);
    yield* super.sendMessageStream(params, context);
    // A refused message published nothing: the stream ended empty, and the client reads why.
    const refusal = this.#executor.refusalOf(context);
    if (refusal !== undefined) throw refusal;
  }

  override async *resubscribe(
    params: SubscribeToTaskRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    await this.#adopt(params.id, context);
    const events = this.#buses.counted(params.id, context, () =>
      super.resubscribe(params, context),
    );
    for await (const event of events) {
      // The store first: a client told an event reads it back (`getTask` once the stream ends).
      await this.#saved.get(params.id)?.();
      yield event;
    }
  }

  override async getTask(params: GetTaskRequest, context: ServerCallContext): Promise<Task> {
    // A task whose door died reads as it was then: following its run brings the store up to date.
    await this.#adopt(params.id, context);
    await this.#saved.get(params.id)?.();
    return super.getTask(params, context);
  }

  override async cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    if (this.#buses.getByTaskId(params.id, context) === undefined) {
      const task = await this.#store.load(params.id, context);
      if (task !== undefined && !TERMINAL.has(task.status?.state)) {
        await this.#runs.cancel(params.id, { owner: context.user?.userName ?? '' });
        // The run ended before the cancel reached it (DBOS leaves an ended run as it ended): the
        // task takes the run's end, as a `getTask` here would, and the cancel is refused as the
        // SDK refuses one of an ended task. Before, the SDK marked the task canceled over a run
        // that completed, and its answer was never saved.
        if (await endedFirst(this.#runs, params.id, this.#onError)) {
          // Saved before the refusal: a client that reads the task next finds how it ended.
          await (await this.#adopt(params.id, context))?.saved;
          throw new TaskNotCancelableError(`Task not cancelable: ${params.id}`);
        }
      }
    }
    return super.cancelTask(params, context);
  }

  /** Throws the working refusal for a message to a task of the caller's that neither waits nor ended. */
  async #refuseWorking(params: SendMessageRequest, context: ServerCallContext): Promise<void> {
    const taskId = params.message?.taskId;
    if (typeof taskId !== 'string' || taskId === '') return;
    const state = (await this.#store.load(taskId, context))?.status?.state;
    // Unknown and ended tasks are the SDK's to answer, in its words.
    if (state === undefined || TERMINAL.has(state)) return;
    if (state !== TaskState.TASK_STATE_INPUT_REQUIRED) {
      throw new UnsupportedOperationError(WORKING_REFUSAL);
    }
  }

  /**
   * Whether the run of an `input-required` task still waits for a decision. Its calls may have
   * timed out on the worker (`approvalTimeoutMs`: denied, the run goes on) or been answered
   * through the runs API: then nobody follows the run, and the task read `input-required` for
   * ever, asking for calls no answer could reach (attack60c). A read that fails counts as waiting.
   */
  async #stillWaits(taskId: string, context: ServerCallContext): Promise<boolean> {
    if (this.#runs.pendingApprovals === undefined) return true;
    try {
      const owner = context.user?.userName ?? '';
      return (await this.#runs.pendingApprovals(taskId, { owner })).length > 0;
    } catch (error) {
      this.#onError(error);
      return true;
    }
  }

  /**
   * Follows the durable run of the caller's task `taskId` when no bus of this door does and the
   * task has not ended nor waits for its client; does nothing for an unknown task or another caller's (the SDK answers).
   * Gives the follow's `saved`, which resolves once the store holds the last event it read.
   */
  async #adopt(
    taskId: string,
    context: ServerCallContext,
  ): Promise<{ saved: Promise<void> } | undefined> {
    if (typeof taskId !== 'string') return undefined;
    // A follow that ended may still be saving its last events: the task it leaves is the one to
    // read (ended, most often), not the row before it, which would start a second follow.
    await this.#saved.get(taskId)?.();
    if (this.#buses.getByTaskId(taskId, context) !== undefined) return undefined;
    const task = await this.#store.load(taskId, context);
    if (task === undefined || TERMINAL.has(task.status?.state)) return undefined;
    // A task that waits for its client's answer (an approval) has nothing to follow until the
    // answer comes; the door that takes the answer follows the run on from there.
    if (
      task.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED &&
      (await this.#stillWaits(taskId, context))
    ) {
      return undefined;
    }
    if (this.#buses.getByTaskId(taskId, context) !== undefined) return undefined;
    const bus = this.#buses.createOrGetByTaskId(taskId, context);
    const queue = new ExecutionEventQueue(bus);
    const results = new ResultManager(this.#store, context);
    // Events published and saved: `caughtUp` waits until the saver has the ones published so far.
    let published = 0;
    let processed = 0;
    let waiting: (() => void)[] = [];
    const release = () => {
      const ready = waiting;
      waiting = [];
      for (const resolve of ready) resolve();
    };
    bus.on('event', () => {
      published += 1;
    });
    const caughtUp = (): Promise<void> =>
      processed >= published ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
    this.#saved.set(taskId, caughtUp);
    const saved = (async () => {
      try {
        for await (const event of queue.events()) {
          await results.processEvent(event);
          processed += 1;
          if (processed >= published) release();
        }
      } finally {
        // The queue ends at the final event or when the bus finishes; nothing is saved after it.
        if (this.#saved.get(taskId) === caughtUp) this.#saved.delete(taskId);
        release();
      }
    })();
    // A run that no longer waits (#stillWaits) works on: the task says so before its next event.
    if (task.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
      statusPublisher(bus, taskId, task.contextId)(TaskState.TASK_STATE_WORKING);
    }
    void this.#executor
      .follow(task, context, bus)
      .catch(this.#onError)
      .finally(() => {
        bus.finished();
        this.#buses.cleanupByTaskId(taskId, context);
        saved.catch(this.#onError);
      });
    return { saved: saved.catch(() => undefined) };
  }
}
