import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { type Task, TaskState } from '@a2a-js/sdk';
import type { Content } from '@gemloop/core';
import { createA2AHandler } from '@gemloop/serve/a2a';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerA2AClient, closeA2ADoor, listenA2ADoor } from '../__fixtures__/a2a-door.ts';
import { chatScript, GROW } from '../__fixtures__/chat-script.ts';
import { type HoldingFleet, startHoldingFleet } from '../__fixtures__/holding-fleet.ts';
import { workflowInputBytes } from '../__fixtures__/workflow-input-bytes.ts';
import {
  createPostgresHistoryStore,
  type PostgresHistoryStore,
} from '../chat/create-postgres-history-store.ts';
import { createDurableRuns, DurableChatHistoryError, type DurableRuns } from '../index.ts';
import { createPostgresTaskStore } from './index.ts';

// A durable A2A context sent by reference to its store (`durable.historyByReference`, a2a-ref58),
// on real workers, the suite's embedded Postgres and the fake Gemini: each task's run input stays
// the same size however long the context grows, while the model still gets the whole
// conversation; a task waiting for approval reads its context again when it resumes; a context
// cleared or rewritten in the store meanwhile fails the task with fixed words (never another
// conversation, never the store's table or key). What the inline context guarantees besides
// (SIGKILL takeover, two doors, `context_conflict`, catch-up) runs by reference in
// durable-a2a-context-history.test.ts.

/** Tasks of the flat-input context (its bytes table in bench/RESULTS.md is 32: `A2A_REF_TASKS=32`). */
const TASKS = Number(process.env['A2A_REF_TASKS'] ?? '5');
/** The words a page is told of `durable-chat-history` (core's toBrowserError). */
const GONE = 'The earlier messages of this chat are gone; send the message again.';

const TOKENS = { alice: 'token-alice' } as const;
const authorize = (request: Request) =>
  request.headers.get('authorization') === `Bearer ${TOKENS.alice}` ? 'alice' : null;

/** One door of `agent`: its own runs client, pool, history store and HTTP server. */
type Door = {
  origin: string;
  runs: DurableRuns;
  pool: pg.Pool;
  store: PostgresHistoryStore;
  server: Server;
  errors: unknown[];
};

let fleet: HoldingFleet;
const doors: Door[] = [];

async function openDoor(agent: string, historyByReference: boolean): Promise<Door> {
  const runs = await createDurableRuns({ databaseUrl: fleet.databaseUrl, pollingIntervalMs: 100 });
  const pool = new pg.Pool({ connectionString: fleet.databaseUrl, max: 4 });
  const store = createPostgresHistoryStore({ pool });
  const errors: unknown[] = [];
  const handler = createA2AHandler({
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize,
    durable: { runs, agent, history: store, historyByReference },
    taskStore: createPostgresTaskStore({ pool }),
    pushNotifications: false,
    rateLimit: false,
    onError: (error) => errors.push(error),
  });
  const { server, origin } = await listenA2ADoor(handler);
  const door = { origin, runs, pool, store, server, errors };
  doors.push(door);
  return door;
}

const client = (door: Door) => bearerA2AClient(door.origin, TOKENS.alice);

/** Sends `text` (to the task `taskId` when given) and returns the task where it stopped. */
async function send(
  door: Door,
  text: string,
  more: { taskId?: string; contextId?: string } = {},
): Promise<Task> {
  return (await client(door)).sendMessage({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      ...more,
      parts: [{ content: { $case: 'text', value: text } }],
    },
  } as never) as Promise<Task>;
}

const statusText = (task: Task) =>
  task.status?.message?.parts
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('') ?? '';

/** alice's context's key in the store, as the door makes it (contextHistoryKey). */
const keyOf = (contextId: string) => JSON.stringify(['a2a', '', 'alice', contextId]);

const inputBytes = (runIds: readonly string[]) => workflowInputBytes(fleet.databaseUrl, runIds);

/** The user texts of the contents of each model request whose body holds `text`. */
function requestsWith(text: string): string[][] {
  return fleet.fake.modelRequests
    .filter((request) => JSON.stringify(request.body).includes(text))
    .map((request) =>
      (request.body as { contents: Content[] }).contents
        .filter((content) => content.role === 'user')
        .flatMap((content) => (content.parts ?? []).flatMap((part) => part.text ?? [])),
    );
}

/** `messages` as tasks of one new context, one after another; their task ids. */
async function converse(door: Door, messages: readonly string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const text of messages) {
    const task = await send(door, text, { contextId: tasks[0]?.contextId ?? crypto.randomUUID() });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    tasks.push(task);
  }
  return tasks;
}

/** The DurableChatHistoryErrors the door was told of (the run's error's cause, or itself). */
const historyErrorsOf = (door: Door) =>
  door.errors
    .map((error) => (error as { cause?: unknown }).cause ?? error)
    .filter((error) => DurableChatHistoryError.isInstance(error));

beforeAll(async () => {
  fleet = await startHoldingFleet('a2a-ref', chatScript());
});

afterAll(async () => {
  for (const door of doors) await closeA2ADoor(door);
  await fleet?.close();
  if (fleet !== undefined) rmSync(fleet.holdDirectory, { recursive: true, force: true });
});

describe('a durable A2A context by reference (durable.historyByReference)', () => {
  it("keeps each task's run input the same size over the context's tasks, and the model gets the whole conversation", async () => {
    const door = await openDoor('longdecode', true);
    const messages = Array.from({ length: TASKS }, (_, index) => `${GROW}${index}`);
    const tasks = await converse(door, messages);
    const bytes = await inputBytes(tasks.map((task) => task.id));
    // From task 2 on (task 1 has no turns to refer to) within a few bytes of task 2's: the
    // digits of the turn count, where the conversation made each input grow ~1.3 KB a task.
    const second = bytes[1] as number;
    expect(second).toBeLessThan(1_000);
    for (const size of bytes.slice(1)) expect(Math.abs(size - second)).toBeLessThan(16);
    // The last task's model request held every earlier message of the context, in order.
    expect(requestsWith(`${GROW}${TASKS - 1}`).at(-1)).toEqual(messages);
    const turns = await door.store.load(keyOf(tasks[0]?.contextId as string));
    expect(turns).toHaveLength(TASKS);
    expect(door.errors).toEqual([]);
    if (process.env['STORED_BYTES_PRINT'] === '1') {
      // The same messages with each task's context in its input (the default), for "before".
      const inline = await inputBytes(
        (await converse(await openDoor('longdecode', false), messages)).map((task) => task.id),
      );
      console.log('| task | input, context inline | input, by reference |');
      for (const [index, after] of bytes.entries())
        console.log(`| ${index + 1} | ${inline[index]} | ${after} |`);
      const sum = (list: readonly number[]) => list.reduce((total, each) => total + each, 0);
      console.log(`| sum | ${sum(inline)} | ${sum(bytes)} |`);
    }
  });

  it('resumes a task after its approval with the context read again; a context cleared meanwhile fails the task with fixed words', async () => {
    const door = await openDoor('approver', true);
    const [greeted] = await converse(door, ['Hello, I have a question.']);
    const contextId = greeted?.contextId as string;
    const asked = await send(door, 'Refund order 7.', { contextId });
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const done = await send(door, 'approve', { taskId: asked.id, contextId });
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // The resumed run's request (after the refund) held the first task's message.
    const resumed = requestsWith('Refunded order 7.').length;
    expect(resumed).toBe(0);
    const afterRefund = fleet.fake.modelRequests
      .map((request) => JSON.stringify(request.body))
      .filter((body) => body.includes('"functionResponse"') && body.includes('Refund order 7.'));
    expect(afterRefund.length).toBeGreaterThan(0);
    for (const body of afterRefund) expect(body).toContain('Hello, I have a question.');
    expect(await door.store.load(keyOf(contextId))).toHaveLength(2);

    // Another refund waits; the context is cleared; the approval's resume finds its turns gone.
    const again = await send(door, 'Refund order 7 again.', { contextId });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    await door.store.clear(keyOf(contextId));
    const failed = await send(door, 'approve', { taskId: again.id, contextId });
    expect(failed.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusText(failed)).toBe(GONE);
    expect(failed.status?.message?.metadata).toEqual({ code: 'durable-chat-history' });
    // Nothing of the store (its table, the context's key) reaches the client.
    expect(JSON.stringify(failed)).not.toContain('gemloop_chat_turns');
    expect(JSON.stringify(failed)).not.toContain(keyOf(contextId));
    // The refund did not run on another conversation, and nothing was saved to the context.
    expect(fleet.counter.count(`done refund ${again.id}:`)).toBe(0);
    expect(await door.store.load(keyOf(contextId))).toEqual([]);
    // The context goes on from what the store holds now: nothing.
    const fresh = await send(door, 'Hello again.', { contextId });
    expect(fresh.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(requestsWith('Hello again.').at(-1)).toEqual(['Hello again.']);
    // The door was told the typed error (its server log), with what the page was not told.
    expect(historyErrorsOf(door)).toEqual([
      expect.objectContaining({ expectedTurns: 2, foundTurns: 0, changed: false }),
    ]);
  });

  it('fails a task whose context was rewritten with as many other turns while it waited (the digest differs)', async () => {
    const door = await openDoor('approver', true);
    const [greeted] = await converse(door, ['Hello, a question on order 7.']);
    const contextId = greeted?.contextId as string;
    const asked = await send(door, 'Refund order 7, please.', { contextId });
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    // One turn, as before, but another: someone else's words in its place.
    const key = keyOf(contextId);
    await door.store.clear(key);
    await door.store.append(key, {
      contents: [
        { role: 'user', parts: [{ text: 'Another conversation.' }] },
        { role: 'model', parts: [{ text: 'Its answer.' }] },
      ],
    });
    const failed = await send(door, 'approve', { taskId: asked.id, contextId });
    expect(failed.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusText(failed)).toBe(GONE);
    expect(failed.status?.message?.metadata).toEqual({ code: 'durable-chat-history' });
    expect(JSON.stringify(failed)).not.toContain('Another conversation.');
    expect(fleet.counter.count(`done refund ${asked.id}:`)).toBe(0);
    expect(
      requestsWith('Refund order 7, please.').some((texts) =>
        texts.includes('Another conversation.'),
      ),
    ).toBe(false);
    expect(historyErrorsOf(door)).toEqual([
      expect.objectContaining({ expectedTurns: 1, foundTurns: 1, changed: true }),
    ]);
    expect((await door.store.load(key)).map((each) => each.contents[0]?.parts?.[0])).toEqual([
      { text: 'Another conversation.' },
    ]);
  });
});
