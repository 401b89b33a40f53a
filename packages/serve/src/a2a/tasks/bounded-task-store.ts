import { type ListTasksRequest, type ListTasksResponse, type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';
import { utf8Length } from '@gemloop/core/internal';
import { pickEvicted } from '../../door/pick-evicted.ts';

const TERMINAL: ReadonlySet<TaskState | undefined> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/**
 * The most the A2A door's default task store holds in all tasks together: 256 MiB of their JSON,
 * as the doors' default history store bounds its threads (doors45). Without it only `maxTasks`
 * bounded the store, so 10,000 tasks with a few MB of artifacts and history each could hold
 * gigabytes, past a Node process's default heap.
 * @internal
 */
export const DEFAULT_TOTAL_TASK_BYTES: number = 256 * 1024 * 1024;

type Entry = { scope: string; task: Task; bytes: number };

/**
 * The A2A door's default task store: tasks in memory, scoped by tenant and owner as the SDK's
 * `InMemoryTaskStore` scopes them, but bounded: past `maxTasks` tasks, or past `maxTotalBytes` of
 * their JSON (UTF-8) together, the least recently saved task that has ended of the caller holding
 * the most (tasks, or bytes) is forgotten (a working one never is), so callers that keep sending
 * cannot grow the server's memory without end (the SDK's store keeps every task). A forgotten
 * task is no task: `GetTask` answers A2A's `TaskNotFoundError`. `list` is the SDK's own, run over
 * the caller's tasks, so its filters, order and pages are the SDK's. @internal
 */
export class BoundedTaskStore implements TaskStore {
  readonly #maxTasks: number;
  readonly #maxTotalBytes: number;
  // By [tenant, owner, task id]; the Map's order is the order of the last saves.
  readonly #tasks = new Map<string, Entry>();
  #bytes = 0;

  constructor(maxTasks: number, maxTotalBytes: number = DEFAULT_TOTAL_TASK_BYTES) {
    this.#maxTasks = maxTasks;
    this.#maxTotalBytes = maxTotalBytes;
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
    const before = this.#tasks.get(key);
    const stored = before?.task.status?.state;
    if (TERMINAL.has(stored) && task.status?.state !== stored) return;
    if (before !== undefined) this.#bytes -= before.bytes;
    this.#tasks.delete(key);
    const bytes = sizeOf(task);
    this.#tasks.set(key, { scope, task: structuredClone(task), bytes });
    this.#bytes += bytes;
    if (this.#tasks.size > this.#maxTasks || this.#bytes > this.#maxTotalBytes) this.#evict();
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
   * The least recently saved ended task of the caller holding the most (`pickEvicted`), by count
   * past `maxTasks`, by bytes past `maxTotalBytes`: the least recently saved of all let one
   * caller who keeps sending push out every other caller's answers.
   */
  #evict(): void {
    for (;;) {
      const byBytes = this.#bytes > this.#maxTotalBytes;
      if (!byBytes && this.#tasks.size <= this.#maxTasks) return;
      const key = pickEvicted(
        this.#tasks,
        (entry) => entry.scope,
        (entry) => TERMINAL.has(entry.task.status?.state),
        undefined,
        byBytes ? (entry) => entry.bytes : undefined,
      );
      if (key === undefined) return;
      this.#bytes -= this.#tasks.get(key)?.bytes ?? 0;
      this.#tasks.delete(key);
    }
  }
}

/**
 * A task's size as it would be sent: the UTF-8 bytes of its JSON, counted without encoding it
 * (no Buffer: the door runs on Workers too). The SDK's tasks are plain data; one JSON cannot
 * write (a BigInt in metadata) counts as nothing here, as it could never have been answered either.
 */
function sizeOf(task: Task): number {
  try {
    return utf8Length(JSON.stringify(task) ?? '');
  } catch {
    return 0;
  }
}

function scopeOf(context: ServerCallContext): string {
  return JSON.stringify([context.tenant ?? '', context.user?.userName ?? '']);
}

function keyOf(scope: string, taskId: string): string {
  return `${scope}\n${taskId}`;
}
