// The A2A task store in Postgres, shared by every door of a fleet: a task that ended stays ended.
// Two doors read and save one task without a lock between them (the SDK reads a task, adds the
// message and saves it back), so a door that read it working could save it working again after
// another door's client was told it completed; the store drops such a save.
import { type Task, TaskState } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresTaskStore } from './index.ts';

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('a2a_task_store'), max: 2 });
});

afterAll(async () => {
  await pool?.end();
});

const alice = () => new ServerCallContext({ user: { isAuthenticated: true, userName: 'alice' } });
const task = (id: string, state: TaskState, text = ''): Task =>
  ({
    id,
    contextId: 'ctx-1',
    status: { state, timestamp: '2026-11-26T00:00:00.000Z' },
    history: [],
    artifacts:
      text === ''
        ? []
        : [{ artifactId: 'answer', parts: [{ content: { $case: 'text', value: text } }] }],
    metadata: {},
  }) as unknown as Task;

describe('createPostgresTaskStore', () => {
  it('keeps a task that ended ended: a stale copy saved after it changes nothing', async () => {
    const store = createPostgresTaskStore({ pool });
    const stale = task('t-1', TaskState.TASK_STATE_WORKING);
    await store.save(stale, alice());
    await store.save(task('t-1', TaskState.TASK_STATE_COMPLETED, 'Refunded.'), alice());
    await store.save(stale, alice());
    await store.save(task('t-1', TaskState.TASK_STATE_CANCELED), alice());
    const read = await store.load('t-1', alice());
    expect(read?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(read?.artifacts).toHaveLength(1);
  });

  it('saves over a task that has not ended, and the same end again', async () => {
    const store = createPostgresTaskStore({ pool });
    await store.save(task('t-2', TaskState.TASK_STATE_WORKING), alice());
    await store.save(task('t-2', TaskState.TASK_STATE_INPUT_REQUIRED), alice());
    await store.save(task('t-2', TaskState.TASK_STATE_WORKING), alice());
    await store.save(task('t-2', TaskState.TASK_STATE_FAILED), alice());
    await store.save(task('t-2', TaskState.TASK_STATE_FAILED, 'why'), alice());
    const read = await store.load('t-2', alice());
    expect(read?.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(read?.artifacts).toHaveLength(1);
  });

  it("lists a context's tasks by the context, past the caller's newer tasks of other contexts", async () => {
    const store = createPostgresTaskStore({ pool });
    await store.save(
      { ...task('ctx-old', TaskState.TASK_STATE_WORKING), contextId: 'ctx-old' },
      alice(),
    );
    // 1000 newer tasks of other contexts (the most a list reads), written as the store writes them.
    await pool.query(
      `INSERT INTO gemloop.a2a_tasks (tenant, owner, task_id, task, updated_at)
       SELECT '', 'alice', 'other-' || n, jsonb_build_object('id', 'other-' || n, 'contextId', 'ctx-other-' || n),
              now() + interval '1 minute'
       FROM generate_series(1, 1000) AS n`,
    );
    const params = {
      tenant: '',
      contextId: 'ctx-old',
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageSize: 100,
      pageToken: '',
      statusTimestampAfter: undefined,
    };
    const listed = await store.list(params, alice());
    expect(listed.tasks.map((each) => each.id)).toEqual(['ctx-old']);
    // Without a context: the newest 1000, which leave the old one out (the limit it escapes).
    const all = await store.list({ ...params, contextId: '' }, alice());
    expect(all.totalSize).toBe(1000);
    const bob = new ServerCallContext({ user: { isAuthenticated: true, userName: 'bob' } });
    expect((await store.list(params, bob)).tasks).toEqual([]);
  });
});
