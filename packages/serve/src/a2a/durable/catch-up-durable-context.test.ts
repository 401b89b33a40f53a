import { type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, ServerCallContext } from '@a2a-js/sdk/server';
import { createMemoryHistoryStore } from '@gemloop/core/chat';
import { GemloopError } from '@gemloop/core/errors';
import { emptyUsage } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { catchUpDurableContext, listContextTasks } from './catch-up-durable-context.ts';
import { CONTEXT_TURN_KEY, type DurableContext } from './durable-context-history.ts';

// A context's next task saves the turns of earlier tasks whose door died after their run completed
// (issue 53, a2a-catchup55): in turn order, once, and never a run that still works or failed. The
// fleet (a door killed, the SDK's client, Postgres) is @gemloop/dbos's
// durable-a2a-context-history.test.ts.

const logger = { logger: silentLogger };

/** Runs by id: their status and the message they answered ("SUCCESS" ones have a result). */
function fakeRuns(runs: Record<string, { status: string; text: string }>) {
  const reads: string[] = [];
  return {
    reads,
    runs: {
      async status(runId: string) {
        reads.push(runId);
        const run = runs[runId];
        return run === undefined ? undefined : { status: run.status };
      },
      async result(runId: string) {
        const run = runs[runId];
        if (run?.status !== 'SUCCESS') throw new Error(`run "${runId}" did not succeed`);
        return {
          text: `answer to ${run.text}`,
          newContents: [
            { role: 'user' as const, parts: [{ text: run.text }] },
            { role: 'model' as const, parts: [{ text: `answer to ${run.text}` }] },
          ],
          steps: [],
          usage: emptyUsage(),
        };
      },
    },
  };
}

function task(id: string, state: TaskState, index: number | undefined, at: string): Task {
  return {
    id,
    contextId: 'ctx',
    status: { state, message: undefined, timestamp: at },
    artifacts: [],
    history: [],
    metadata: index === undefined ? {} : { [CONTEXT_TURN_KEY]: index },
  } as unknown as Task;
}

async function contextWith(texts: string[]): Promise<DurableContext> {
  const store = createMemoryHistoryStore();
  const context = { store, key: 'ctx-key', model: undefined };
  for (const text of texts) {
    await store.append(
      'ctx-key',
      {
        contents: [
          { role: 'user', parts: [{ text }] },
          { role: 'model', parts: [{ text: `answer to ${text}` }] },
        ],
      } as never,
      logger,
    );
  }
  return context;
}

async function firstTexts(context: DurableContext): Promise<string[]> {
  const turns = await context.store.load(context.key, logger);
  return turns.map((turn) => {
    const part = turn.contents[0]?.parts?.[0];
    return part !== undefined && 'text' in part ? String(part.text) : '';
  });
}

const WORKING = TaskState.TASK_STATE_WORKING;

describe('catchUpDurableContext', () => {
  it('saves the completed runs of unsaved turns in turn order, once', async () => {
    const context = await contextWith(['one']);
    const { runs } = fakeRuns({
      t2: { status: 'SUCCESS', text: 'two' },
      t3: { status: 'SUCCESS', text: 'three' },
    });
    // Newest first, as the task store lists them; one completed task whose turn is saved.
    const tasks = [
      task('t3', WORKING, 2, '2026-11-30T10:00:03Z'),
      task('t2', WORKING, 1, '2026-11-30T10:00:02Z'),
      task('t1', TaskState.TASK_STATE_COMPLETED, 0, '2026-11-30T10:00:01Z'),
    ];
    expect(await catchUpDurableContext({ context, runs, tasks })).toBe(2);
    expect(await firstTexts(context)).toEqual(['one', 'two', 'three']);
    // Again (another door's next task): nothing more.
    expect(await catchUpDurableContext({ context, runs, tasks })).toBe(0);
    expect(await firstTexts(context)).toEqual(['one', 'two', 'three']);
  });

  it('leaves a run that still works, a failed task and the turns after them', async () => {
    const context = await contextWith(['one']);
    const { runs, reads } = fakeRuns({
      t2: { status: 'PENDING', text: 'two' },
      t3: { status: 'SUCCESS', text: 'three' },
      f: { status: 'SUCCESS', text: 'failed one' },
    });
    const tasks = [
      task('t3', WORKING, 2, '2026-11-30T10:00:03Z'),
      task('f', TaskState.TASK_STATE_FAILED, 1, '2026-11-30T10:00:02Z'),
      task('t2', WORKING, 1, '2026-11-30T10:00:01Z'),
      task('old', WORKING, undefined, '2026-11-30T09:00:00Z'),
    ];
    expect(await catchUpDurableContext({ context, runs, tasks })).toBe(0);
    expect(await firstTexts(context)).toEqual(['one']);
    // The working run's status was read; the failed task's and the one after the gap were not.
    expect(reads).toEqual(['t2']);
  });

  it('leaves a completed task (its follower saved its turn), so a cleared context stays cleared', async () => {
    const context = await contextWith([]);
    const { runs, reads } = fakeRuns({ t1: { status: 'SUCCESS', text: 'before the clear' } });
    const tasks = [task('t1', TaskState.TASK_STATE_COMPLETED, 0, '2026-11-30T10:00:01Z')];
    expect(await catchUpDurableContext({ context, runs, tasks })).toBe(0);
    expect(await firstTexts(context)).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('of two completed runs at one index, saves the one whose status moved first', async () => {
    const context = await contextWith(['one']);
    const { runs } = fakeRuns({
      a: { status: 'SUCCESS', text: 'first at once' },
      b: { status: 'SUCCESS', text: 'second at once' },
    });
    const tasks = [
      task('b', WORKING, 1, '2026-11-30T10:00:02Z'),
      task('a', WORKING, 1, '2026-11-30T10:00:01Z'),
    ];
    expect(await catchUpDurableContext({ context, runs, tasks })).toBe(1);
    expect(await firstTexts(context)).toEqual(['one', 'first at once']);
  });

  it('skips a run started by reference on turns cleared since (durable-chat-history), and goes on', async () => {
    // The context grew back to the task's index after a clear: its run's result cannot be read
    // whole (dbos's DurableChatHistoryError), and its turn belongs to the conversation that went.
    const context = await contextWith(['new one']);
    const { runs } = fakeRuns({ t1: { status: 'SUCCESS', text: 'old two' } });
    const gone = new ContextGoneError({ message: 'turns gone' });
    const tasks = [task('t1', WORKING, 1, '2026-11-30T10:00:01Z')];
    expect(
      await catchUpDurableContext({
        context,
        runs: { ...runs, result: () => Promise.reject(gone) },
        tasks,
      }),
    ).toBe(0);
    expect(await firstTexts(context)).toEqual(['new one']);
    // Any other failure of the read still stops the new task's start (told, as before).
    const lost = new Error('connection terminated unexpectedly');
    await expect(
      catchUpDurableContext({
        context,
        runs: { ...runs, result: () => Promise.reject(lost) },
        tasks,
      }),
    ).rejects.toBe(lost);
  });
});

/** @gemloop/dbos's DurableChatHistoryError as the door reads it: by its code. */
class ContextGoneError extends GemloopError {
  override readonly code: string = 'durable-chat-history';
}

describe('listContextTasks', () => {
  it("reads every page of the caller's tasks of the context, and no other context's", async () => {
    const store = new InMemoryTaskStore();
    const alice = new ServerCallContext({ user: ownerUser('alice') });
    for (let index = 0; index < 130; index += 1) {
      const at = new Date(Date.UTC(2026, 10, 30, 10, 0, index)).toISOString();
      await store.save({ ...task(`t${index}`, WORKING, index, at) }, alice);
      await store.save({ ...task(`o${index}`, WORKING, index, at), contextId: 'other' }, alice);
    }
    const listed = await listContextTasks(store, 'ctx', alice);
    expect(listed).toHaveLength(130);
    expect(new Set(listed.map((each) => each.id)).size).toBe(130);
    expect(listed.every((each) => each.contextId === 'ctx')).toBe(true);
    const bob = new ServerCallContext({ user: ownerUser('bob') });
    expect(await listContextTasks(store, 'ctx', bob)).toEqual([]);
  });
});
