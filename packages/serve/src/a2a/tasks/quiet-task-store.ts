import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import { A2AError } from '@a2a-js/sdk/errors';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';

/** The words the A2A SDK sees (and writes to stderr) when the task store fails. */
export const TASK_STORE_FAILED = 'The task store failed; the door told its onError.';

/**
 * What the A2A SDK is handed in place of a task store's own failure: fixed words, no cause.
 * The SDK writes what a store throws to `console.error` ("Event processing loop failed for task
 * ...", with the stack), and a store's own error text can hold its database URL and password;
 * the real error went to the door's `onError` when this was made, so the door does not report
 * it again. @internal
 */
export class TaskStoreFailedError extends Error {
  override readonly name = 'TaskStoreFailedError';

  constructor() {
    super(TASK_STORE_FAILED);
    // The stack names our frames only (the store's are in the real error, at `onError`).
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * A task store that hands the A2A SDK fixed words when the given store fails, and the store's
 * own error to `onError` once. An `A2AError` the store throws on purpose (an invalid page
 * token, say) goes through as it is: its words are the store's answer to the caller. @internal
 */
export class QuietTaskStore implements TaskStore {
  readonly #inner: TaskStore;
  readonly #onError: (error: unknown) => void;

  constructor(inner: TaskStore, onError: (error: unknown) => void) {
    this.#inner = inner;
    this.#onError = onError;
  }

  async save(task: Task, context: ServerCallContext): Promise<void> {
    try {
      return await this.#inner.save(task, context);
    } catch (error) {
      return this.#quiet(error);
    }
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    try {
      return await this.#inner.load(taskId, context);
    } catch (error) {
      return this.#quiet(error);
    }
  }

  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    try {
      return await this.#inner.list(params, context);
    } catch (error) {
      return this.#quiet(error);
    }
  }

  #quiet(error: unknown): never {
    if (error instanceof A2AError) throw error;
    this.#onError(error);
    throw new TaskStoreFailedError();
  }
}

/**
 * `onError`, but a {@link TaskStoreFailedError} is dropped: the store's own error went to
 * `onError` when it was made. @internal
 */
export function unlessReported(onError: (error: unknown) => void): (error: unknown) => void {
  return (error) => {
    if (!(error instanceof TaskStoreFailedError)) onError(error);
  };
}
