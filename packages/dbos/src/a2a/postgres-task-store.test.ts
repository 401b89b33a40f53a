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
});
