// Approvals on durable A2A tasks: a task whose durable run reaches a call its workers'
// `needsApproval` lists goes `input-required` (the question and the call in the status message);
// the client's next message on the task, sent to another door sharing the Postgres task store,
// approves or denies it through the runs' `approve`, and the run goes on to `completed`. Driven
// by the A2A SDK's own client; the run on a worker process, the doors on their own runs clients.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
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

const TOKENS = { alice: 'token-alice', bob: 'token-bob' } as const;
/** The retraction tests' question, and the answer holding a code their guardrails take back. */
const RETRACTION_QUESTION = 'What is the code?';
const SECRET = 'The vault code is 4417-9902, keep it to yourself.';
const authorize = (request: Request) => {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
  return Object.entries(TOKENS).find(([, each]) => each === token)?.[0] ?? null;
};

type Door = { origin: string; runs: DurableRuns; pool: pg.Pool; server: Server };

let fake: FakeGemini;
let worker: WorkerProcess;
let databaseUrl: string;
const counter = createCounter();
const doors: Door[] = [];
/** Workers a test starts besides the first. */
const extraWorkers: WorkerProcess[] = [];

async function openDoor(): Promise<Door> {
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const handler = createA2AHandler({
    card: { name: 'Refunds', description: 'Refunds orders, with approval.' },
    authorize,
    durable: { runs, agent: 'approver' },
    taskStore: createPostgresTaskStore({ pool }),
    pushNotifications: false,
    rateLimit: false,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const door = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runs,
    pool,
    server,
  };
  doors.push(door);
  return door;
}

function client(door: Door, owner: keyof typeof TOKENS): Promise<Client> {
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${TOKENS[owner]}`);
    return fetch(input, { ...init, headers });
  };
  return new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl })],
  }).createFromUrl(door.origin);
}

const message = (text: string, more: { taskId?: string; contextId?: string } = {}) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      ...more,
      parts: [{ content: { $case: 'text', value: text } }],
    },
  }) as never;
const send = (a2a: Client, text: string, more: { taskId?: string; contextId?: string } = {}) =>
  a2a.sendMessage(message(text, more)) as Promise<Task>;
const textOf = (task: Task) =>
  task.status?.message?.parts
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('') ?? '';
const answerOf = (task: Task) =>
  task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');
const refundsOf = (taskId: string) => counter.count(`done refund ${taskId}:`);

beforeAll(async () => {
  // Refund order 7, then say what the call answered (the result, or the denial's reason); the
  // retraction tests' question gets the secret answer their guardrails take back.
  fake = createFakeGemini({
    script: (_request, { functionResponses, lastUserText }) => {
      if (lastUserText === RETRACTION_QUESTION) return turn.text(SECRET);
      const response = functionResponses[0];
      return response === undefined
        ? turn.call('refund', { order: '7', amount: 30 })
        : turn.text(`refund answered: ${JSON.stringify(response.response)}`);
    },
  });
  await fake.listen();
  databaseUrl = await workerDatabase('a2a_approvals');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    EXECUTOR_ID: 'a2a-approvals-worker',
  });
});

afterAll(async () => {
  for (const door of doors) {
    door.server.closeAllConnections();
    await new Promise<void>((resolve) => door.server.close(() => resolve()));
    await door.runs.close().catch(() => undefined);
    await door.pool.end().catch(() => undefined);
  }
  for (const each of [worker, ...extraWorkers])
    if (each !== undefined) await stopWorker(each, 'SIGKILL');
  await fake?.close();
});

// attack22: the durable A2A door (a worker's run, a Postgres task store) and an answer an output
// guardrail took back after its text streamed (no holdBack). attack21 fixed the in-process door
// (the retraction replaces the task's `answer` artifact) and the durable executor shares that code
// (`answerDeltaPublisher`), but it had not been run on Postgres: the run's events come from the
// worker through the runs' store, and the task is read back from the Postgres task store. Here a
// blocked answer leaves the stored task with none of its text, and a rewritten one with the
// rewrite only, for the stream and for every later GetTask. These tests had a file of their own
// (durable-a2a-retraction.attacks.test.ts) with a worker, database copy and fake of this file's
// config; they run first here, so their read of every task row reads their own tasks.
describe('the durable A2A door and an answer a guardrail took back (attack22)', () => {
  let runs: DurableRuns;
  let pool: pg.Pool;
  const servers: Server[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
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
  });

  /**
   * `text` with its random ids (UUIDs, dashed or not) taken out: a task or a row holds several, and
   * three hold "4417" about once in 700 (the serve door's tests failed so; bench/RESULTS.md, flaky35).
   */
  const withoutRandomIds = (text: string): string =>
    text.replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, '<id>');

  /** The durable A2A door for one of the worker's agents, on 127.0.0.1: the SDK's client of it. */
  async function clientOf(agent: string): Promise<Client> {
    const handler = createA2AHandler({
      card: { name: 'Vault', description: 'Answers questions about the vault.' },
      authorize: (request) =>
        request.headers.get('authorization') === `Bearer ${TOKENS.alice}` ? 'alice' : null,
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
      headers.set('authorization', `Bearer ${TOKENS.alice}`);
      return fetch(input, { ...init, headers });
    };
    return new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
    }).createFromUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** Streams the question: the task's id, the answer artifact's last text, every text streamed. */
  async function streamed(client: Client) {
    let taskId = '';
    let last: string | undefined;
    const seen: string[] = [];
    for await (const event of client.sendMessageStream(message(RETRACTION_QUESTION))) {
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

describe('approvals on durable A2A tasks', () => {
  it('a task that reaches an approval is input-required; "approve" at another door runs the call and the task completes', async () => {
    const doorA = await openDoor();
    const doorB = await openDoor();
    const asked = await send(await client(doorA, 'alice'), 'Refund order 7.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(asked)).toContain('Approve the call of refund?');
    const metadata = asked.status?.message?.metadata as {
      reason: string;
      approvals: { approvalId: string; toolName: string; args: unknown }[];
    };
    expect(metadata.reason).toBe('tool_approval');
    expect(metadata.approvals).toEqual([
      expect.objectContaining({ toolName: 'refund', args: { order: '7', amount: 30 } }),
    ]);
    // The durable run waits for the same call, and nothing ran.
    const [pending] = await doorB.runs.pendingApprovals(asked.id);
    expect(pending?.approvalId).toBe(metadata.approvals[0]?.approvalId);
    expect(refundsOf(asked.id)).toBe(0);

    // Door B reads the same wait from the shared store, and takes the answer.
    const alice = await client(doorB, 'alice');
    expect((await alice.getTask({ id: asked.id } as never)).status?.state).toBe(
      TaskState.TASK_STATE_INPUT_REQUIRED,
    );
    // Another caller's answer reaches nothing.
    const bob = await client(doorB, 'bob');
    const refused = await send(bob, 'approve', {
      taskId: asked.id,
      contextId: asked.contextId,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(refused)).toContain('not found');
    expect(refundsOf(asked.id)).toBe(0);

    const done = await send(alice, 'approve', { taskId: asked.id, contextId: asked.contextId });
    expect(done.id).toBe(asked.id);
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(done)).toContain('"refunded":true');
    expect(refundsOf(asked.id)).toBe(1);
    expect((await doorB.runs.status(asked.id))?.status).toBe('SUCCESS');
    // Door A reads the end too.
    const read = await (await client(doorA, 'alice')).getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('asks again for an answer that is neither, and a denial with its reason reaches the model', async () => {
    const door = await openDoor();
    const alice = await client(door, 'alice');
    const asked = await send(alice, 'Refund order 7, please.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const unclear = message('maybe later?', { taskId: asked.id, contextId: asked.contextId });
    const again = (await alice.sendMessage(unclear)) as Task;
    expect(again.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(again)).toContain('neither "approve" nor "deny"');
    expect(await door.runs.pendingApprovals(asked.id)).toHaveLength(1);
    // A message the task has read (its messageId again) is never read as an answer, whatever it
    // says now: a retry must not answer a call its sender never saw.
    const { message: read } = unclear as { message: Record<string, unknown> };
    const reused = {
      message: { ...read, parts: [{ content: { $case: 'text', value: 'approve' } }] },
    } as never;
    const retried = (await alice.sendMessage(reused)) as Task;
    expect(retried.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(retried)).toContain('already read');
    expect(await door.runs.pendingApprovals(asked.id)).toHaveLength(1);
    expect(refundsOf(asked.id)).toBe(0);

    const done = await send(alice, 'deny: the order was refunded last week', {
      taskId: asked.id,
      contextId: asked.contextId,
    });
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(done)).toContain('the order was refunded last week');
    expect(refundsOf(asked.id)).toBe(0);
  });

  it('streams the wait and the rest: input-required ends the first stream, the answer streams the run to completed', async () => {
    const door = await openDoor();
    const alice = await client(door, 'alice');
    const states = (events: StreamResponse[]) =>
      events.flatMap((event) =>
        event.payload?.$case === 'statusUpdate' ? [event.payload.value.status?.state] : [],
      );
    const first: StreamResponse[] = [];
    for await (const event of alice.sendMessageStream(message('Refund order 7, streamed.'))) {
      first.push(event);
    }
    expect(states(first).at(-1)).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const task = first[0]?.payload?.$case === 'task' ? first[0].payload.value : undefined;
    if (task === undefined) throw new Error('the stream starts with the task');
    const rest: StreamResponse[] = [];
    for await (const event of alice.sendMessageStream(
      message('yes', { taskId: task.id, contextId: task.contextId }),
    )) {
      rest.push(event);
    }
    expect(states(rest)).toEqual([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
    const whole = rest.flatMap((event) =>
      event.payload?.$case === 'artifactUpdate' && event.payload.value.lastChunk
        ? [answerOf({ artifacts: [event.payload.value.artifact] } as Task)]
        : [],
    );
    expect(whole).toHaveLength(1);
    expect(whole[0]).toContain('"refunded":true');
    expect(refundsOf(task.id)).toBe(1);
  });

  it('two answers at once at two doors: the call runs once and the task completes', async () => {
    const doorA = await openDoor();
    const doorB = await openDoor();
    const asked = await send(await client(doorA, 'alice'), 'Refund order 7, twice at once.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const on = { taskId: asked.id, contextId: asked.contextId };
    const answers = await Promise.allSettled([
      send(await client(doorA, 'alice'), 'approve', on),
      send(await client(doorB, 'alice'), 'approve', on),
    ]);
    const states = answers.map((each) =>
      each.status === 'fulfilled' ? each.value.status?.state : String(each.reason),
    );
    expect(states).toContain(TaskState.TASK_STATE_COMPLETED);
    // The other one went on too (both read the task waiting, and its decision was the same
    // call's), or was refused by name; never `rejected` (once both were: the second's `rejected`
    // ended the shared task, and the SDK ignored the run's `completed`).
    for (const state of states) {
      expect([
        TaskState.TASK_STATE_COMPLETED,
        expect.stringMatching(/This task is working|answered already/),
      ]).toContainEqual(state);
    }
    expect(refundsOf(asked.id)).toBe(1);
    const read = await (await client(doorB, 'alice')).getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('an approval answered after a worker was SIGKILLed while the task waits: the worker left runs the call', async () => {
    const second = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      EXECUTOR_ID: 'a2a-approvals-worker-2',
    });
    extraWorkers.push(second);
    const door = await openDoor();
    const alice = await client(door, 'alice');
    const asked = await send(alice, 'Refund order 7, after a crash.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    // The paused run holds no worker (its status names none): the first worker dies while the
    // task waits, and the answer still lands, on the worker left.
    await stopWorker(worker, 'SIGKILL');
    const done = await send(alice, 'approve', { taskId: asked.id, contextId: asked.contextId });
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(done)).toContain('"refunded":true');
    expect(refundsOf(asked.id)).toBe(1);
    expect((await door.runs.status(asked.id))?.executorId).toBe(second.executorId);
  });
});
