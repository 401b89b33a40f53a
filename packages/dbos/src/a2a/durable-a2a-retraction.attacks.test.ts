// attack22: the durable A2A door (a worker's run, a Postgres task store) and an answer an output
// guardrail took back after its text streamed (no holdBack). attack21 fixed the in-process door
// (the retraction replaces the task's `answer` artifact) and the durable executor shares that code
// (`answerDeltaPublisher`), but it had not been run on Postgres: the run's events come from the
// worker through the runs' store, and the task is read back from the Postgres task store. Here a
// blocked answer leaves the stored task with none of its text, and a rewritten one with the
// rewrite only, for the stream and for every later GetTask.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Task, TaskState } from '@a2a-js/sdk';
import { type Client, ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { toNodeListener } from '@gemloop/serve/node';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';
import { createPostgresTaskStore } from './index.ts';

const SECRET = 'The vault code is 4417-9902, keep it to yourself.';
const TOKEN = 'token-alice';

/**
 * `text` with its random ids (UUIDs, dashed or not) taken out: a task or a row holds several, and
 * three hold "4417" about once in 700 (the serve door's tests failed so; bench/RESULTS.md, flaky35).
 */
const withoutRandomIds = (text: string): string =>
  text.replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, '<id>');

let fake: FakeGemini;
let worker: WorkerProcess;
let runs: DurableRuns;
let pool: pg.Pool;
const servers: Server[] = [];
const errors: unknown[] = [];

/** The durable A2A door for one of the worker's agents, on 127.0.0.1: the SDK's client of it. */
async function clientOf(agent: string): Promise<Client> {
  const handler = createA2AHandler({
    card: { name: 'Vault', description: 'Answers questions about the vault.' },
    authorize: (request) =>
      request.headers.get('authorization') === `Bearer ${TOKEN}` ? 'alice' : null,
    durable: { runs, agent },
    taskStore: createPostgresTaskStore({ pool }),
    pushNotifications: false,
    rateLimit: false,
    onError: (error) => errors.push(error),
  });
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${TOKEN}`);
    return fetch(input, { ...init, headers });
  };
  return new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl })],
  }).createFromUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

const message = (text: string) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
    },
  }) as never;

/** Streams a question: the task's id, the answer artifact's last text, every text streamed. */
async function streamed(client: Client) {
  let taskId = '';
  let last: string | undefined;
  const seen: string[] = [];
  for await (const event of client.sendMessageStream(message('What is the code?'))) {
    const payload = event.payload;
    if (payload?.$case === 'task') taskId ||= payload.value.id;
    if (payload?.$case === 'statusUpdate') taskId ||= payload.value.taskId;
    if (payload?.$case === 'artifactUpdate') {
      taskId ||= payload.value.taskId;
      const content = payload.value.artifact?.parts[0]?.content;
      last = content?.$case === 'text' ? content.value : '';
      seen.push(last);
    }
  }
  return { taskId, last, seen };
}

beforeAll(async () => {
  fake = createFakeGemini({ script: () => turn.text(SECRET) });
  await fake.listen();
  const databaseUrl = await workerDatabase('a2a_retraction');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: createCounter().file,
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await runs?.close();
  await pool?.end();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe('the durable A2A door and an answer a guardrail took back (attack22)', () => {
  it('a blocked answer streamed: the stream ends with the artifact emptied; GetTask from Postgres holds none of it', async () => {
    const client = await clientOf('blocker');
    const { taskId, last, seen } = await streamed(client);
    expect(taskId).not.toBe('');
    // The text did stream first (what the retraction takes back), then the artifact was emptied.
    expect(seen.join('')).toContain('4417');
    expect(last).toBe('');
    const task = (await client.getTask({ id: taskId } as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(withoutRandomIds(JSON.stringify(task))).not.toContain('4417');
    // Straight from the store's rows as well: no copy of the blocked text kept anywhere.
    const rows = await pool.query('SELECT * FROM gemloop.a2a_tasks');
    expect(withoutRandomIds(JSON.stringify(rows.rows))).not.toContain('4417');
  });

  it('a rewritten answer streamed: GetTask holds the rewrite, not the text it replaced', async () => {
    const client = await clientOf('guarded');
    const { taskId, last } = await streamed(client);
    expect(last).toBe(SECRET.toUpperCase());
    const task = (await client.getTask({ id: taskId } as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const text = JSON.stringify(task.artifacts);
    expect(text).toContain('THE VAULT CODE');
    expect(text).not.toContain('The vault code');
  });
});
