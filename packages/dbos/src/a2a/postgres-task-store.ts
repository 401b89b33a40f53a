import { type ListTasksRequest, type ListTasksResponse, Task } from '@a2a-js/sdk';
import { InMemoryTaskStore, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';
import type pg from 'pg';
import { wellFormed } from '../durable/steps/bounded-call-id.ts';
import { jsonbCanHold } from '../postgres/jsonb-can-hold.ts';

/** A2A's terminal task states, as `Task.toJSON` writes them, for SQL. */
const TERMINAL_SQL = [
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
]
  .map((state) => `'${state}'`)
  .join(', ');

/** Tasks `list` reads at most per caller (the newest first), so one call stays bounded. */
const LIST_LIMIT = 1000;

/**
 * An A2A `TaskStore` (`@a2a-js/sdk` 1.3) in Postgres, shared by every worker's A2A door
 * (`createA2AHandler({ durable, taskStore })` of `@gemloop/serve/a2a`): a task one door saved is
 * the task another door loads, gets, cancels and resubscribes to. Each task is a row of
 * `gemloop.a2a_tasks`, keyed by tenant, owner (`context.user.userName`, the door's caller) and
 * task id, as the SDK's own stores scope them: another caller's task loads as `undefined`, which
 * the SDK answers as an unknown task. The task is stored as the SDK's JSON (`Task.toJSON`) and read
 * back through `Task.fromJSON`, which takes only the fields it knows. `list` is the SDK's
 * `InMemoryTaskStore.list` over the caller's newest 1000 tasks (of the context asked for, if one is),
 * so filters, order and pages are
 * the SDK's. A task that ended stays ended: a save that would change its state is dropped. The
 * table is created on first use.
 *
 * @example
 * ```ts
 * const taskStore = createPostgresTaskStore({ pool: new pg.Pool({ connectionString }) });
 * createA2AHandler({ card, authorize, durable: { runs, agent: 'support' }, taskStore });
 * ```
 */
export function createPostgresTaskStore(options: { pool: pg.Pool }): TaskStore {
  const { pool } = options;
  let ready: Promise<unknown> | undefined;
  const table = (): Promise<unknown> => {
    ready ??= pool
      .query(
        `CREATE SCHEMA IF NOT EXISTS gemloop;
         CREATE TABLE IF NOT EXISTS gemloop.a2a_tasks (
           tenant text NOT NULL,
           owner text NOT NULL,
           task_id text NOT NULL,
           task jsonb NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (tenant, owner, task_id)
         )`,
      )
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };

  return {
    async save(task: Task, context: ServerCallContext): Promise<void> {
      await table();
      await pool.query(
        // A task that ended stays ended (A2A's terminal states are final): a door that read it
        // before it ended (the SDK reads a task, adds the message and saves it back) would
        // otherwise save it working again after another door's client was told it completed.
        `INSERT INTO gemloop.a2a_tasks (tenant, owner, task_id, task) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant, owner, task_id) DO UPDATE SET task = EXCLUDED.task, updated_at = now()
         WHERE a2a_tasks.task #>> '{status,state}' IS NULL
            OR a2a_tasks.task #>> '{status,state}' NOT IN (${TERMINAL_SQL})
            OR a2a_tasks.task #>> '{status,state}' = EXCLUDED.task #>> '{status,state}'`,
        [...scopeOf(context), task.id, storedTask(task)],
      );
    },

    async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
      await table();
      const { rows } = await pool.query<{ task: unknown }>(
        'SELECT task FROM gemloop.a2a_tasks WHERE tenant = $1 AND owner = $2 AND task_id = $3',
        [...scopeOf(context), taskId],
      );
      return rows[0] === undefined ? undefined : Task.fromJSON(readStoredTask(rows[0].task));
    },

    async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
      await table();
      // A context's tasks by the context in SQL: a durable door lists them before each task of a
      // context starts (its catch-up), and the caller's other contexts' newer tasks neither cost
      // the read nor push the context's own past the limit.
      const contextId = typeof params.contextId === 'string' ? params.contextId : '';
      const { rows } = await pool.query<{ task: unknown }>(
        `SELECT task FROM gemloop.a2a_tasks WHERE tenant = $1 AND owner = $2
           AND ($3 = '' OR task->>'contextId' = $3)
         ORDER BY updated_at DESC LIMIT ${LIST_LIMIT}`,
        [...scopeOf(context), contextId],
      );
      const own = new InMemoryTaskStore();
      for (const row of rows) await own.save(Task.fromJSON(readStoredTask(row.task)), context);
      return own.list(params, context);
    },
  };
}

/**
 * The key of a stored task's whole JSON text, in the row of a task `jsonb` cannot hold. Not a
 * field of A2A's `Task` (whose `toJSON` writes only its own fields), so never a task's own.
 */
const TASK_TEXT_KEY = 'gemloopTaskText';

/**
 * The task as its row's `jsonb`. A task holding a NUL or a lone UTF-16 surrogate (a client's text
 * cut in the middle of an emoji, a model's answer with a `\u0000`: both JSON strings A2A carries)
 * is one `jsonb` refuses: its save failed, so the client's message was answered "could not
 * answer" (-32603) and a run whose answer held one stayed `working` in the store for ever
 * (attack56). Such a task is kept as its JSON text inside an object that also holds what the
 * statements read (`status.state`, `contextId`), escaped as any text is.
 */
function storedTask(task: Task): string {
  const json = Task.toJSON(task) as { contextId?: unknown; status?: { state?: unknown } };
  const text = JSON.stringify(json);
  if (jsonbCanHold(text)) return text;
  return JSON.stringify({
    // A client's contextId with half an emoji: as node-postgres sends the one `list` asks for
    // (U+FFFD in its place), and `list` then keeps the tasks of the exact one.
    contextId: typeof json.contextId === 'string' ? wellFormed(json.contextId) : json.contextId,
    status: { state: json.status?.state },
    [TASK_TEXT_KEY]: text,
  });
}

/** A row's task as `Task.fromJSON` reads it: the JSON text of a task `jsonb` could not hold. */
function readStoredTask(stored: unknown): unknown {
  const text = (stored as Record<string, unknown> | null)?.[TASK_TEXT_KEY];
  return typeof text === 'string' ? JSON.parse(text) : stored;
}

function scopeOf(context: ServerCallContext): [string, string] {
  return [context.tenant ?? '', context.user?.userName ?? ''];
}
