// attack56: A2A text Postgres's `jsonb` cannot hold, in the shared task store. A2A carries JSON
// strings, and a client's text cut in the middle of an emoji (a lone UTF-16 surrogate) or a NUL,
// in a message or in the model's answer, is one. Before: the store's save failed on them, so the
// client got "The server could not answer the request." (-32603), the door's onError a store
// failure, and a task whose answer held a NUL stayed `working` in the store for ever.
import { type Task, TaskState } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { createAgent, createGemini } from '@gemloop/core';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { toNodeListener } from '@gemloop/serve/node';
import {
  createFakeGemini,
  type FakeGemini,
  type LoopbackServer,
  listenOnLoopback,
  turn,
} from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresTaskStore } from './index.ts';

let pool: pg.Pool;
let fake: FakeGemini;
let server: LoopbackServer;
const errors: unknown[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('a2a_unholdable_text'), max: 2 });
  fake = createFakeGemini({
    script: [
      turn.text('Noted.'),
      turn.text('Noted too.'),
      turn.text('Order\u0000 42 ships today.'),
      turn.text('First context.'),
      turn.text('Second context.'),
    ],
  });
  const { url } = await fake.listen();
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'unholdable-key-0001', retry: false }),
    model: 'gemini-2.5-flash',
    telemetry: false,
  });
  const handler = createA2AHandler({
    agent,
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize: () => 'alice',
    taskStore: createPostgresTaskStore({ pool }),
    pushNotifications: false,
    rateLimit: false,
    onError: (error) => errors.push(error),
  });
  server = await listenOnLoopback(toNodeListener(handler));
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
  await pool?.end();
});

/** A JSON-RPC call with `params` written as JSON text (a lone surrogate is only an escape there). */
async function call(method: string, params: string) {
  const response = await fetch(`${server.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
    body: `{"jsonrpc":"2.0","id":1,"method":"${method}","params":${params}}`,
  });
  return (await response.json()) as {
    result?: { task?: { id: string; status: { state: string }; artifacts?: unknown[] } };
    id?: string;
    status?: { state: string };
    artifacts?: { parts: { text: string }[] }[];
    history?: { parts: { text: string }[] }[];
    error?: unknown;
  };
}

const send = (textJson: string, contextJson?: string) =>
  call(
    'SendMessage',
    `{"message":{"messageId":"${crypto.randomUUID()}","role":"ROLE_USER","parts":[{"text":${textJson}}]${contextJson === undefined ? '' : `,"contextId":${contextJson}`}}}`,
  );

describe('the A2A door on the Postgres task store: text jsonb cannot hold', () => {
  it.each([
    ['a NUL in the message', '"refund\\u0000 please"', 'refund\u0000 please'],
    ['half an emoji in the message', '"thanks \\ud83d"', 'thanks \ud83d'],
  ])('%s: answered, the task completed and read back whole', async (_, textJson, text) => {
    errors.length = 0;
    const sent = await send(textJson);
    expect(sent.error).toBeUndefined();
    expect(sent.result?.task?.status.state).toBe('TASK_STATE_COMPLETED');
    const got = await call('GetTask', `{"id":"${sent.result?.task?.id}"}`);
    expect(got.error).toBeUndefined();
    const task = got as unknown as {
      result: { history: { parts: { text: string }[] }[]; status: { state: string } };
    };
    expect(task.result.status.state).toBe('TASK_STATE_COMPLETED');
    expect(task.result.history[0]?.parts[0]?.text).toBe(text);
    expect(errors).toEqual([]);
  });

  it("a NUL in the model's answer: the task completes, in the store too", async () => {
    errors.length = 0;
    const sent = await send('"When does order 42 ship?"');
    expect(sent.error).toBeUndefined();
    expect(sent.result?.task?.status.state).toBe('TASK_STATE_COMPLETED');
    const { rows } = await pool.query<{ state: string }>(
      "SELECT task #>> '{status,state}' AS state FROM gemloop.a2a_tasks WHERE task_id = $1",
      [sent.result?.task?.id],
    );
    expect(rows).toEqual([{ state: 'TASK_STATE_COMPLETED' }]);
    const got = (await call('GetTask', `{"id":"${sent.result?.task?.id}"}`)) as unknown as {
      result: { artifacts: { parts: { text: string }[] }[] };
    };
    expect(got.result.artifacts[0]?.parts[0]?.text).toBe('Order\u0000 42 ships today.');
    expect(errors).toEqual([]);
  });
});

describe('the A2A door on the Postgres task store: a contextId with half an emoji', () => {
  it("answers in it and lists that context's tasks only, not another cut emoji's", async () => {
    errors.length = 0;
    const first = await send('"Hello"', '"ctx-\\ud83d"');
    const second = await send('"Hello"', '"ctx-\\ud83e"');
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(first.result?.task?.status.state).toBe('TASK_STATE_COMPLETED');
    const listed = (await call('ListTasks', '{"contextId":"ctx-\\ud83d"}')) as unknown as {
      result: { tasks: { id: string }[] };
    };
    expect(listed.result.tasks.map((task) => task.id)).toEqual([first.result?.task?.id]);
    expect(errors).toEqual([]);
  });
});

describe('createPostgresTaskStore and a task jsonb cannot hold', () => {
  const alice = () => new ServerCallContext({ user: { isAuthenticated: true, userName: 'alice' } });
  const task = (id: string, state: TaskState, text: string): Task =>
    ({
      id,
      contextId: 'ctx-cut-emoji',
      status: { state, timestamp: '2026-11-30T00:00:00.000Z' },
      history: [],
      artifacts: [{ artifactId: 'answer', parts: [{ content: { $case: 'text', value: text } }] }],
      metadata: {},
    }) as unknown as Task;

  it('keeps it ended, and lists it by its context', async () => {
    const store = createPostgresTaskStore({ pool });
    await store.save(task('t-cut', TaskState.TASK_STATE_COMPLETED, 'Shipped \ud83d'), alice());
    // A door that read it working saves a stale copy: dropped, as for any task.
    await store.save(task('t-cut', TaskState.TASK_STATE_WORKING, 'plain'), alice());
    const read = await store.load('t-cut', alice());
    expect(read?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(read?.artifacts?.[0]?.parts[0]?.content).toEqual({
      $case: 'text',
      value: 'Shipped \ud83d',
    });
    const listed = await store.list({ contextId: 'ctx-cut-emoji' } as never, alice());
    expect(listed.tasks.map((each) => each.id)).toEqual(['t-cut']);
  });
});
