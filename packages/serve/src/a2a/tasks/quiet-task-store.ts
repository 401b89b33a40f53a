import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import { A2AError } from '@a2a-js/sdk/errors';
import type {
  AgentExecutor,
  ExecutionEventBus,
  RequestContext,
  ServerCallContext,
  TaskStore,
} from '@a2a-js/sdk/server';

/** The words the A2A SDK sees (and writes to stderr) when the task store fails. */
export const TASK_STORE_FAILED = 'The task store failed; the door told its onError.';

/** The words the A2A SDK sees (and writes to stderr) when the door's agent executor fails. */
export const EXECUTOR_FAILED = 'The agent failed; the door told its onError.';

/**
 * What the A2A SDK is handed in place of an error the door already told its `onError`: fixed
 * words, no cause. The SDK writes what it is handed to `console.error` with the stack ("Event
 * processing loop failed for task ...", "Agent execution failed for message ...") and puts an
 * executor's error message in the task the client reads; the real error's text can hold a
 * database URL with its password, an API key, an internal address. @internal
 */
export class ReportedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    // The stack names our frames only (the real error's are at `onError`).
    this.stack = `${name}: ${message}`;
  }
}

/** A task store's failure, as the A2A SDK sees it. @internal */
export class TaskStoreFailedError extends ReportedError {
  override readonly name = 'TaskStoreFailedError';

  constructor() {
    super('TaskStoreFailedError', TASK_STORE_FAILED);
  }
}

/** An agent executor's failure (`execute` rejected), as the A2A SDK sees it. @internal */
export class ExecutorFailedError extends ReportedError {
  override readonly name = 'ExecutorFailedError';

  constructor() {
    super('ExecutorFailedError', EXECUTOR_FAILED);
  }
}

/**
 * The executor, its `execute` handing the A2A SDK fixed words when it rejects and the error to
 * `onError` once (the SDK logs it and makes it the failed task's message). Its other members
 * stay. @internal
 */
export function quietExecutor<T extends AgentExecutor>(
  executor: T,
  onError: (error: unknown) => void,
): T {
  const execute = executor.execute.bind(executor);
  executor.execute = async (request: RequestContext, bus: ExecutionEventBus) => {
    try {
      return await execute(request, bus);
    } catch (error) {
      if (error instanceof ReportedError) throw error;
      onError(error);
      throw new ExecutorFailedError();
    }
  };
  return executor;
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
 * `onError`, but a {@link ReportedError} is dropped: the real error went to `onError` when it
 * was made. @internal
 */
export function unlessReported(onError: (error: unknown) => void): (error: unknown) => void {
  return (error) => {
    if (!(error instanceof ReportedError)) onError(error);
  };
}
