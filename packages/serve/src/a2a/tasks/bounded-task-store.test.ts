import { type Task, TaskState } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { BoundedTaskStore } from './bounded-task-store.ts';

// The A2A door's task store: tasks kept per tenant and caller, copies in and out, and a bound that
// forgets the least recently saved task that has ended, never a working one.

const caller = (userName: string, tenant?: string) =>
  new ServerCallContext({
    user: { isAuthenticated: true, userName },
    ...(tenant === undefined ? {} : { tenant }),
  });
const task = (id: string, state: TaskState = TaskState.TASK_STATE_WORKING): Task =>
  ({
    id,
    contextId: `ctx-${id}`,
    status: { state },
    history: [],
    artifacts: [],
    metadata: undefined,
  }) as unknown as Task;

describe('BoundedTaskStore', () => {
  it('keeps each caller`s tasks, and each tenant`s, apart', async () => {
    const store = new BoundedTaskStore(10);
    await store.save(task('t1'), caller('alice'));
    expect(await store.load('t1', caller('alice'))).toMatchObject({ id: 't1' });
    expect(await store.load('t1', caller('mallory'))).toBeUndefined();
    expect(await store.load('t1', caller('alice', 'other-tenant'))).toBeUndefined();
  });

  it('stores and returns copies: a change to a loaded or saved task does not reach the store', async () => {
    const store = new BoundedTaskStore(10);
    const saved = task('t1');
    await store.save(saved, caller('alice'));
    saved.contextId = 'changed after save';
    const loaded = await store.load('t1', caller('alice'));
    expect(loaded?.contextId).toBe('ctx-t1');
    (loaded as Task).contextId = 'changed after load';
    expect((await store.load('t1', caller('alice')))?.contextId).toBe('ctx-t1');
  });

  it('past the bound forgets the least recently saved ended task, never a working one', async () => {
    const store = new BoundedTaskStore(2);
    const alice = caller('alice');
    await store.save(task('working'), alice);
    await store.save(task('done', TaskState.TASK_STATE_COMPLETED), alice);
    await store.save(task('failed', TaskState.TASK_STATE_FAILED), alice);
    expect(await store.load('working', alice)).toBeDefined();
    expect(await store.load('done', alice)).toBeUndefined();
    expect(await store.load('failed', alice)).toBeDefined();
  });

  it('a task saved again counts as recent; every task working keeps them all', async () => {
    const store = new BoundedTaskStore(2);
    const alice = caller('alice');
    await store.save(task('a', TaskState.TASK_STATE_COMPLETED), alice);
    await store.save(task('b', TaskState.TASK_STATE_CANCELED), alice);
    await store.save(task('a', TaskState.TASK_STATE_COMPLETED), alice);
    await store.save(task('c', TaskState.TASK_STATE_REJECTED), alice);
    expect(await store.load('b', alice)).toBeUndefined();
    expect(await store.load('a', alice)).toBeDefined();
    const busy = new BoundedTaskStore(1);
    await busy.save(task('x'), alice);
    await busy.save(task('y', TaskState.TASK_STATE_INPUT_REQUIRED), alice);
    expect(await busy.load('x', alice)).toBeDefined();
    expect(await busy.load('y', alice)).toBeDefined();
  });

  it('lists only the caller`s own tasks', async () => {
    const store = new BoundedTaskStore(10);
    await store.save(task('mine'), caller('alice'));
    await store.save(task('theirs'), caller('bob'));
    const listed = await store.list({} as never, caller('alice'));
    expect(listed.tasks.map((each) => each.id)).toEqual(['mine']);
  });

  it('keeps a task that ended ended: a stale copy saved after it (a request that read it before) changes nothing', async () => {
    const store = new BoundedTaskStore(10);
    const stale = task('t1', TaskState.TASK_STATE_WORKING);
    await store.save(stale, caller('alice'));
    const done = {
      ...task('t1', TaskState.TASK_STATE_COMPLETED),
      artifacts: [{ artifactId: 'answer' }],
    };
    await store.save(done as unknown as Task, caller('alice'));
    await store.save(stale, caller('alice'));
    expect((await store.load('t1', caller('alice')))?.status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    // The same end saved again (an artifact after it) lands.
    await store.save(task('t1', TaskState.TASK_STATE_COMPLETED), caller('alice'));
    expect((await store.load('t1', caller('alice')))?.artifacts).toEqual([]);
  });

  it('past maxTotalBytes forgets ended tasks, of the caller holding the most bytes, never a working one', async () => {
    // Three tasks of about 1.2 MB against a 3 MB bound: the count bound (100) never trips.
    const store = new BoundedTaskStore(100, 3_000_000);
    const alice = caller('alice');
    const bob = caller('bob');
    await store.save(big('bob-small', 1000), bob);
    await store.save(big('a-working', 1_200_000, TaskState.TASK_STATE_WORKING), alice);
    await store.save(big('a1', 1_200_000), alice);
    await store.save(big('a2', 1_200_000), alice);
    // 3.6 MB held: alice holds the most, her oldest ended task goes; bob's and her working one stay.
    expect(await store.load('a1', alice)).toBeUndefined();
    expect(await store.load('a2', alice)).toBeDefined();
    expect(await store.load('a-working', alice)).toBeDefined();
    expect(await store.load('bob-small', bob)).toBeDefined();
  });

  it('holds its tasks within maxTotalBytes however many huge ones are saved (measured in JSON bytes)', async () => {
    const bound = 32 * 1024 * 1024;
    const store = new BoundedTaskStore(10_000, bound);
    const alice = caller('alice');
    // 64 ended tasks of 2 MiB of artifact each: 128 MiB saved, a quarter of it kept.
    for (let index = 0; index < 64; index++) {
      await store.save(big(`t${index}`, 2 * 1024 * 1024), alice);
    }
    const kept = (await store.list({ pageSize: 100 } as never, alice)).tasks;
    const bytes = kept.reduce((sum, each) => sum + Buffer.byteLength(JSON.stringify(each)), 0);
    expect(bytes).toBeLessThanOrEqual(bound);
    expect(kept.length).toBeGreaterThanOrEqual(14);
    // The newest are the ones kept; the oldest answer as no task at all.
    expect(await store.load('t63', alice)).toBeDefined();
    expect(await store.load('t0', alice)).toBeUndefined();
  });

  it('counts a task saved again once, at its newest size', async () => {
    const store = new BoundedTaskStore(100, 3_000_000);
    const alice = caller('alice');
    for (let index = 0; index < 10; index++) {
      await store.save(big('same', 1_000_000), alice);
    }
    await store.save(big('other', 1_000_000), alice);
    expect(await store.load('same', alice)).toBeDefined();
    expect(await store.load('other', alice)).toBeDefined();
  });
});

/** An ended task whose artifact holds `chars` characters of text (multi-byte, so bytes are counted). */
function big(id: string, chars: number, state: TaskState = TaskState.TASK_STATE_COMPLETED): Task {
  return {
    ...task(id, state),
    artifacts: [
      {
        artifactId: 'answer',
        parts: [{ content: { $case: 'text', value: 'é'.repeat(Math.floor(chars / 2)) } }],
      },
    ],
  } as unknown as Task;
}
