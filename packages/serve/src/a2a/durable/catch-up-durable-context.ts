import { type Task, TaskState } from '@a2a-js/sdk';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { silentLogger } from '@gemloop/core/logging';
import type { A2ADurableRuns } from './durable-a2a-runs.ts';
import {
  CONTEXT_TURN_KEY,
  type DurableContext,
  isContextHistoryGone,
  saveDurableContextTurn,
} from './durable-context-history.ts';

/**
 * Task states with nothing to catch up: a run that saves no turn, or a task `completed`, which its
 * follower marks only once its turn is saved. Saving a completed task's turn again undid a clear of
 * the context (`store.clear`): the next task put every earlier turn back, from index 0.
 */
const UNSAVED: ReadonlySet<TaskState | undefined> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/**
 * Saves, before a new task of the context starts, the turns of the context's earlier tasks whose
 * durable run completed but whose turn no door saved: the door that followed such a run died
 * after (or while) the run ended, and nobody read the task since, so the turn the client may have
 * seen (a push notification, a partial stream) would be missing from the new task's history. In
 * turn order, each at the index its task recorded (`gemloopContextTurn`), with the same rule a
 * follower saves by (`saveDurableContextTurn`: the same turn already there is skipped, another
 * task's turn there is a conflict, nothing saved). A task whose run still works is left to its
 * follower: the new task starts at the same index, and of the two the one that ends second fails
 * `context_conflict` (never a history silently missing a turn).
 *
 * `tasks` are the context's tasks of the caller, from the task store every door shares. Returns
 * how many turns it saved. @internal
 */
export async function catchUpDurableContext({
  context,
  runs,
  tasks,
}: {
  context: DurableContext;
  runs: Pick<A2ADurableRuns, 'result' | 'status'>;
  tasks: readonly Task[];
}): Promise<number> {
  const waiting = tasks
    .filter((task) => !UNSAVED.has(task.status?.state) && turnIndexOf(task) !== undefined)
    .map((task) => ({ task, index: turnIndexOf(task) as number }))
    // Turn order; two tasks at one index (two at once) by when their status last moved.
    .sort((a, b) => a.index - b.index || timeOf(a.task).localeCompare(timeOf(b.task)));
  if (waiting.length === 0) return 0;
  let count = (await context.store.load(context.key, { logger: silentLogger })).length;
  let saved = 0;
  for (const { task, index } of waiting) {
    // Below the count: saved already (or another task's turn took its place: its follower fails
    // it). Above: a turn before it is missing, which only its own follower can tell.
    if (index !== count) continue;
    if ((await runs.status(task.id))?.status !== 'SUCCESS') continue;
    let outcome: Awaited<ReturnType<typeof saveDurableContextTurn>>;
    try {
      outcome = await saveDurableContextTurn({ context, runs, runId: task.id, turnIndex: index });
    } catch (error) {
      // A task started by reference on turns cleared since (the context grew back to its index):
      // its answer belongs to a conversation that is gone, so it is not saved into this one, and
      // the new task starts all the same (its follower, if any, fails it). Thrown, it failed
      // every later task of the context at its start.
      if (isContextHistoryGone(error)) continue;
      throw error;
    }
    if (outcome !== 'saved') continue;
    count += 1;
    saved += 1;
  }
  return saved;
}

/** The most tasks of a context read for a catch-up, by pages of the SDK's largest size. */
const MAX_CONTEXT_TASKS = 1000;
const PAGE_SIZE = 100;

/**
 * The caller's tasks of `contextId` in the task store (scoped by the caller as every read is),
 * newest first, at most {@link MAX_CONTEXT_TASKS}: an unsaved turn is one of the newest tasks
 * (a new message of the context saves it). @internal
 */
export async function listContextTasks(
  store: Pick<TaskStore, 'list'>,
  contextId: string,
  caller: ServerCallContext,
): Promise<Task[]> {
  const tasks: Task[] = [];
  let pageToken = '';
  do {
    const page = await store.list(
      {
        tenant: caller.tenant ?? '',
        contextId,
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageSize: PAGE_SIZE,
        pageToken,
        statusTimestampAfter: undefined,
        historyLength: 0,
        includeArtifacts: false,
      },
      caller,
    );
    tasks.push(...page.tasks);
    pageToken = page.nextPageToken;
  } while (pageToken !== '' && tasks.length < MAX_CONTEXT_TASKS);
  return tasks;
}

/** The turn index a task recorded at its start, `undefined` when it has none (read as hostile). */
function turnIndexOf(task: Task): number | undefined {
  const index = task.metadata?.[CONTEXT_TURN_KEY];
  return typeof index === 'number' && Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}

function timeOf(task: Task): string {
  const timestamp = task.status?.timestamp;
  return typeof timestamp === 'string' ? timestamp : '';
}
