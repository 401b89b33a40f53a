import { type AgentCard, type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, ServerCallContext } from '@a2a-js/sdk/server';
import { type ChatTurn, createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';
import { GemloopError, InvalidArgumentError } from '@gemloop/core/errors';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { fakeDurableRuns } from '../__fixtures__/fake-durable-runs.ts';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import { WatchedTaskStore } from '../tasks/saved-first-request-handler.ts';
import { TaskSubscribers } from '../tasks/task-subscribers.ts';
import type { A2ADurableOptions } from './durable-a2a-runs.ts';
import { CONTEXT_TURN_KEY, contextHistoryKey } from './durable-context-history.ts';
import { createDurableExecutor } from './durable-executor.ts';
import { DurableRequestHandler } from './durable-request-handler.ts';

// A durable door with `durable.history` keeps each context's conversation (durable-a2a55): a task
// starts its run with the context's turns and, once its run completes, appends its own; a task
// that waits for an approval and resumes appends one turn, at its end; a task that fails, is
// cancelled or finds its context moved on appends nothing. The fleet's runs are faked in memory
// (each asks to approve one call, then ends when the test says); the Postgres store and a SIGKILL
// are @gemloop/dbos's durable-a2a-context-history.test.ts.

const card = { name: 'refunds', capabilities: { streaming: true } } as unknown as AgentCard;
const caller = (owner: string) => new ServerCallContext({ user: ownerUser(owner) });
const context = { logger: silentLogger };

function door(extra: Partial<A2ADurableOptions> = {}) {
  const fleet = fakeDurableRuns();
  const history = createMemoryHistoryStore();
  const errors: unknown[] = [];
  const onError = (error: unknown) => {
    errors.push(error);
  };
  const handler = new DurableRequestHandler({
    card,
    store: new WatchedTaskStore(new InMemoryTaskStore()),
    executor: createDurableExecutor({
      durable: { runs: fleet.runs, agent: 'refunds', history, ...extra },
      onError,
    }),
    buses: new TaskSubscribers(32),
    runs: fleet.runs,
    pushStore: undefined,
    pushSender: undefined,
    onError,
  });
  return { fleet, history, handler, errors };
}

const message = (text: string, on: { taskId?: string; contextId?: string } = {}) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
      ...on,
    },
  }) as never;

const keyOf = (owner: string, contextId: string) =>
  contextHistoryKey({ tenant: undefined, owner, contextId });

/** The user texts of the stored turns of `owner`'s context, a list per turn. */
async function storedTexts(history: HistoryStore, owner: string, contextId: string) {
  const turns = await history.load(keyOf(owner, contextId), context);
  return turns.map((turn) =>
    turn.contents.flatMap((content) =>
      (content.parts ?? []).flatMap((part) => ('text' in part && part.text ? [part.text] : [])),
    ),
  );
}

/** Sends `text` (waits for its approval), approves it, ends the run; the task as it ended. */
async function approvedTask(
  { fleet, handler }: ReturnType<typeof door>,
  text: string,
  owner = 'alice',
  contextId?: string,
): Promise<{ asked: Task; done: Task }> {
  const asked = (await handler.sendMessage(
    message(text, contextId === undefined ? {} : { contextId }),
    caller(owner),
  )) as Task;
  expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  const answering = handler.sendMessage(
    message('approve', { taskId: asked.id, contextId: asked.contextId }),
    caller(owner),
  );
  await fleet.decided(asked.id);
  fleet.finish(asked.id);
  return { asked, done: (await answering) as Task };
}

/** A memory store that names its turns by reference, as `createPostgresHistoryStore` does. */
function referringStore() {
  const store = createMemoryHistoryStore();
  const reference = (id: string, turns: readonly ChatTurn[], model: string | undefined) => ({
    from: {
      table: 'chat_turns',
      sessionId: id,
      turns: turns.length,
      digest: String(turns.length).repeat(64),
      ...(model === undefined ? {} : { model }),
    },
  });
  return Object.assign(store, { historyReference: reference });
}

/** @gemloop/dbos's DurableChatHistoryError as the door reads it: by its code. */
class ContextGoneError extends GemloopError {
  override readonly code: string = 'durable-chat-history';
}

describe('a durable A2A context with durable.history', () => {
  it('continues the conversation: one turn per task, saved at its end (not at its approval)', async () => {
    const doors = door();
    const { fleet, history, handler, errors } = doors;
    const first = await approvedTask(doors, 'Refund order 7.');
    expect(first.done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const { contextId } = first.asked;
    // A new context: the run starts as it did without contexts, its turn index 0 in the task.
    expect(fleet.starts[0]).toEqual({
      runId: first.asked.id,
      input: 'Refund order 7.',
      owner: 'alice',
    });
    expect(first.asked.metadata).toEqual({ [CONTEXT_TURN_KEY]: 0 });
    expect(await storedTexts(history, 'alice', contextId)).toEqual([
      ['Refund order 7.', 'refunded'],
    ]);

    // The second task of the context: its run starts with the first turn; while it waits for its
    // approval nothing is saved, and its end saves one turn.
    const asked = (await handler.sendMessage(
      message('And order 8?', { contextId }),
      caller('alice'),
    )) as Task;
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(fleet.starts[1]?.history).toEqual([
      { role: 'user', parts: [{ text: 'Refund order 7.' }] },
      { role: 'model', parts: [{ text: 'refunded' }] },
    ]);
    expect(fleet.starts[1]?.holder).toBeUndefined();
    expect(await storedTexts(history, 'alice', contextId)).toHaveLength(1);
    const answering = handler.sendMessage(
      message('approve', { taskId: asked.id, contextId }),
      caller('alice'),
    );
    await fleet.decided(asked.id);
    fleet.finish(asked.id);
    expect(((await answering) as Task).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // A read of the ended task follows nothing again: still two turns.
    expect((await handler.getTask({ id: asked.id } as never, caller('alice'))).status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    expect(await storedTexts(history, 'alice', contextId)).toEqual([
      ['Refund order 7.', 'refunded'],
      ['And order 8?', 'refunded'],
    ]);
    expect(errors).toEqual([]);
  });

  it("with historyByReference, starts a later task with the store's reference to the context's turns, the holder beside it", async () => {
    const history = referringStore();
    const doors = door({ history, historyByReference: true, model: 'gemini-3-flash-preview' });
    const { fleet, handler } = doors;
    const first = await approvedTask(doors, 'Refund order 7.');
    const { contextId } = first.asked;
    // A new context has no turns to refer to: its run starts as before.
    expect(fleet.starts[0]).not.toHaveProperty('history');
    await history.append(
      keyOf('alice', contextId),
      { contents: [{ role: 'user', parts: [{ text: 'Billing?' }] }], agent: 'billing' },
      context,
    );
    const asked = (await handler.sendMessage(
      message('And order 8?', { contextId }),
      caller('alice'),
    )) as Task;
    expect(asked.metadata).toEqual({ [CONTEXT_TURN_KEY]: 2 });
    expect(fleet.starts[1]?.history).toEqual({
      from: {
        table: 'chat_turns',
        sessionId: keyOf('alice', contextId),
        turns: 2,
        digest: '2'.repeat(64),
        model: 'gemini-3-flash-preview',
      },
    });
    expect(fleet.starts[1]?.holder).toBe('billing');
    expect(doors.errors).toEqual([]);
  });

  it('fails a completed task whose turns by reference are gone when its result is read: fixed words, nothing saved', async () => {
    const history = referringStore();
    const doors = door({ history, historyByReference: true });
    const { fleet, handler, errors } = doors;
    const first = await approvedTask(doors, 'Refund order 7.');
    const { contextId } = first.asked;
    const asked = (await handler.sendMessage(
      message('And order 8?', { contextId }),
      caller('alice'),
    )) as Task;
    // The context is cleared before the door reads the run's result (dbos then throws).
    const gone = new ContextGoneError({
      message: 'chat session "["a2a"]" in table chat_turns was cleared',
    });
    fleet.runs.result = () => Promise.reject(gone);
    const answering = handler.sendMessage(
      message('approve', { taskId: asked.id, contextId }),
      caller('alice'),
    );
    await fleet.decided(asked.id);
    fleet.finish(asked.id);
    const done = (await answering) as Task;
    expect(done.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(
      done.status?.message?.parts.map((part) =>
        part.content?.$case === 'text' ? part.content.value : '',
      ),
    ).toEqual(['The earlier messages of this chat are gone; send the message again.']);
    expect(done.status?.message?.metadata).toEqual({ code: 'durable-chat-history' });
    expect(JSON.stringify(done)).not.toContain('chat_turns');
    expect(await storedTexts(history, 'alice', contextId)).toHaveLength(1);
    expect(errors).toContain(gone);
  });

  it("keys a context by its caller: another caller's same contextId reads and writes its own", async () => {
    const doors = door();
    const { fleet, history } = doors;
    const { asked } = await approvedTask(doors, 'Refund order 7.', 'alice');
    const bob = await approvedTask(doors, 'Bob: refund order 9.', 'bob', asked.contextId);
    expect(bob.done.contextId).toBe(asked.contextId);
    expect(fleet.starts[1]).not.toHaveProperty('history');
    expect(await storedTexts(history, 'bob', asked.contextId)).toEqual([
      ['Bob: refund order 9.', 'refunded'],
    ]);
    expect(await storedTexts(history, 'alice', asked.contextId)).toEqual([
      ['Refund order 7.', 'refunded'],
    ]);
  });

  it('starts the run with the agent holding the conversation after a hand-off, turns tagged by model', async () => {
    const doors = door({ model: 'gemini-3-flash-preview' });
    const { fleet, history, handler } = doors;
    const held: ChatTurn = {
      contents: [
        { role: 'user', parts: [{ text: 'I need billing.' }] },
        { role: 'model', parts: [{ text: 'Billing here.' }] },
      ],
      model: 'gemini-3-pro-preview',
      agent: 'billing',
    };
    await history.append(keyOf('alice', 'ctx-held'), held, context);
    const asked = (await handler.sendMessage(
      message('Refund order 7.', { contextId: 'ctx-held' }),
      caller('alice'),
    )) as Task;
    // Another model wrote the turn: it goes tagged, and the holder answers.
    expect(fleet.starts[0]?.history).toEqual([
      { contents: held.contents, model: 'gemini-3-pro-preview' },
    ]);
    expect(fleet.starts[0]?.holder).toBe('billing');
    expect(asked.metadata).toEqual({ [CONTEXT_TURN_KEY]: 1 });
    const answering = handler.sendMessage(
      message('approve', { taskId: asked.id, contextId: 'ctx-held' }),
      caller('alice'),
    );
    await fleet.decided(asked.id);
    fleet.finish(asked.id);
    await answering;
    // The new turn: the agent's model, still held by billing (no hand-off back).
    const turns = await history.load(keyOf('alice', 'ctx-held'), context);
    expect(turns).toHaveLength(2);
    expect(turns[1]).toMatchObject({ model: 'gemini-3-flash-preview', agent: 'billing' });
  });

  it('a failed or cancelled task saves nothing', async () => {
    const doors = door();
    const { fleet, history, handler } = doors;
    const failing = (await handler.sendMessage(
      message('Refund order 7.'),
      caller('alice'),
    )) as Task;
    const answering = handler.sendMessage(
      message('approve', { taskId: failing.id, contextId: failing.contextId }),
      caller('alice'),
    );
    await fleet.decided(failing.id);
    fleet.fail(failing.id);
    expect(((await answering) as Task).status?.state).toBe(TaskState.TASK_STATE_FAILED);
    const cancelled = (await handler.sendMessage(
      message('Refund order 8.', { contextId: failing.contextId }),
      caller('alice'),
    )) as Task;
    const canceled = await handler.cancelTask({ id: cancelled.id } as never, caller('alice'));
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(await storedTexts(history, 'alice', failing.contextId)).toEqual([]);
  });

  it('two tasks at once in one context: the one that ends second fails (context_conflict), saving nothing', async () => {
    const doors = door();
    const { fleet, history, handler } = doors;
    const first = (await handler.sendMessage(message('Refund order 7.'), caller('alice'))) as Task;
    const on = { contextId: first.contextId };
    const second = (await handler.sendMessage(
      message('Refund order 8.', on),
      caller('alice'),
    )) as Task;
    // Both started from the same (empty) conversation.
    expect(second.metadata).toEqual({ [CONTEXT_TURN_KEY]: 0 });
    const answer = async (task: Task) => {
      const answering = handler.sendMessage(
        message('approve', { taskId: task.id, contextId: task.contextId }),
        caller('alice'),
      );
      await fleet.decided(task.id);
      fleet.finish(task.id);
      return (await answering) as Task;
    };
    const secondDone = await answer(second);
    const firstDone = await answer(first);
    expect(secondDone.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(firstDone.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(firstDone.status?.message?.metadata).toMatchObject({ code: 'context_conflict' });
    expect(JSON.stringify(firstDone.status?.message)).toContain(
      'Another task of this context completed while this one worked',
    );
    expect(await storedTexts(history, 'alice', first.contextId)).toEqual([
      ['Refund order 8.', 'refunded'],
    ]);
  });
});

describe('a durable A2A context whose runs give no whole result', () => {
  it('tells onError by a typed error naming durable.runs, and leaves the task working, unsaved', async () => {
    const fleet = fakeDurableRuns();
    const history = createMemoryHistoryStore();
    const errors: unknown[] = [];
    // A runs object of the user's own making: its result() gives the text only.
    const runs = {
      ...fleet.runs,
      result: async (runId: string) => ({ text: (await fleet.runs.result(runId)).text }),
    };
    const handler = new DurableRequestHandler({
      card,
      store: new WatchedTaskStore(new InMemoryTaskStore()),
      executor: createDurableExecutor({
        durable: { runs, agent: 'refunds', history },
        onError: (error) => errors.push(error),
      }),
      buses: new TaskSubscribers(32),
      runs,
      pushStore: undefined,
      pushSender: undefined,
      onError: (error) => errors.push(error),
    });
    const done = await approvedTask({ fleet, history, handler, errors }, 'Refund order 7.');
    expect(done.done.status?.state).toBe(TaskState.TASK_STATE_WORKING);
    expect(errors).toHaveLength(1);
    expect(InvalidArgumentError.isInstance(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({ argument: 'durable.runs' });
    expect(await storedTexts(history, 'alice', done.asked.contextId)).toEqual([]);
  });
});

describe('a durable A2A door without durable.history', () => {
  it('starts each run without history, holder or turn index, as before', async () => {
    const fleet = fakeDurableRuns();
    const handler = new DurableRequestHandler({
      card,
      store: new WatchedTaskStore(new InMemoryTaskStore()),
      executor: createDurableExecutor({
        durable: { runs: fleet.runs, agent: 'refunds' },
        onError: (error) => {
          throw error;
        },
      }),
      buses: new TaskSubscribers(32),
      runs: fleet.runs,
      pushStore: undefined,
      pushSender: undefined,
      onError: (error) => {
        throw error;
      },
    });
    const first = (await handler.sendMessage(message('Refund order 7.'), caller('alice'))) as Task;
    await handler.sendMessage(
      message('And order 8?', { contextId: first.contextId }),
      caller('alice'),
    );
    expect(fleet.starts).toEqual([
      { runId: first.id, input: 'Refund order 7.', owner: 'alice' },
      { runId: expect.any(String), input: 'And order 8?', owner: 'alice' },
    ]);
    expect(first.metadata).toEqual({});
  });
});
