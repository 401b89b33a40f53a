import { type ListTasksRequest, type ListTasksResponse, type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';
import { pickEvicted } from '../../door/pick-evicted.ts';

const TERMINAL: ReadonlySet<TaskState | undefined> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/**
 * The A2A door's default task store: tasks in memory, scoped by tenant and owner as the SDK's
 * `InMemoryTaskStore` scopes them, but bounded: past `maxTasks` the least recently saved task
 * that has ended of the caller holding the most is forgotten (a working one never is), so callers that keep sending cannot grow
 * the server's memory without end (the SDK's store keeps every task). `list` is the SDK's own,
 * run over the caller's tasks, so its filters, order and pages are the SDK's. @internal
 */
export class BoundedTaskStore implements TaskStore {
  readonly #maxTasks: number;
  // By [tenant, owner, task id]; the Map's order is the order of the last saves.
  readonly #tasks = new Map<string, { scope: string; task: Task }>();

  constructor(maxTasks: number) {
    this.#maxTasks = maxTasks;
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const entry = this.#tasks.get(keyOf(scopeOf(context), taskId));
    return entry === undefined ? undefined : structuredClone(entry.task);
  }

  async save(task: Task, context: ServerCallContext): Promise<void> {
    const scope = scopeOf(context);
    const key = keyOf(scope, task.id);
    // A task that ended stays ended (A2A's terminal states are final): a request that read it
    // before it ended (the SDK reads a task, adds the message and saves it back) would otherwise
    // save it working again after its client was told it completed.
    const stored = this.#tasks.get(key)?.task.status?.state;
    if (TERMINAL.has(stored) && task.status?.state !== stored) return;
    this.#tasks.delete(key);
    this.#tasks.set(key, { scope, task: structuredClone(task) });
    if (this.#tasks.size > this.#maxTasks) this.#evict();
  }

  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const scope = scopeOf(context);
    const own = new InMemoryTaskStore();
    for (const entry of this.#tasks.values()) {
      if (entry.scope === scope) await own.save(entry.task, context);
    }
    return own.list(params, context);
  }

  /**
   * The least recently saved ended task of the caller holding the most tasks (`pickEvicted`):
   * the least recently saved of all let one caller who keeps sending push out every other
   * caller's answers.
   */
  #evict(): void {
    while (this.#tasks.size > this.#maxTasks) {
      const key = pickEvicted(
        this.#tasks,
        (entry) => entry.scope,
        (entry) => TERMINAL.has(entry.task.status?.state),
      );
      if (key === undefined) return;
      this.#tasks.delete(key);
    }
  }
}

function scopeOf(context: ServerCallContext): string {
  return JSON.stringify([context.tenant ?? '', context.user?.userName ?? '']);
}

function keyOf(scope: string, taskId: string): string {
  return `${scope}\n${taskId}`;
}
