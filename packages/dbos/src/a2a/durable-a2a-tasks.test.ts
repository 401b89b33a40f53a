// Durable A2A tasks across a fleet: each worker's A2A door (@gemloop/serve/a2a) on the fleet's
// durable runs and one Postgres task store. The A2A SDK's own client streams a message through
// door A; the worker running the task's run is SIGKILLed mid-tool (and door A dies with it);
// another worker takes the run over, and the client resubscribes through door B to `completed`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { type Client, ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { toNodeListener } from '@gemloop/serve/node';
import type { FakeGemini } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { ANSWER, createScriptedFake } from '../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';
import { createPostgresTaskStore } from './index.ts';

const TOKENS = { alice: 'token-alice', bob: 'token-bob' } as const;
const authorize = (request: Request) => {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
  return Object.entries(TOKENS).find(([, each]) => each === token)?.[0] ?? null;
};

/** One worker's A2A door: its own runs client, task store pool and HTTP server. */
type Door = { origin: string; runs: DurableRuns; pool: pg.Pool; server: Server; errors: unknown[] };

let fake: FakeGemini;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;
let databaseUrl: string;
const doors: Door[] = [];
/** The fake's calls for the answer (the turn after the tools), by the run's question. */
const answerCalls = new Map<string, number>();
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-a2a-hold-'));

async function openDoor(): Promise<Door> {
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const errors: unknown[] = [];
  const handler = createA2AHandler({
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize,
    durable: { runs, agent: 'support' },
    taskStore: createPostgresTaskStore({ pool }),
    pushNotifications: false,
    rateLimit: false,
    onError: (error) => errors.push(error),
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const door = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runs,
    pool,
    server,
    errors,
  };
  doors.push(door);
  return door;
}

/** The door dies as its process would: connections cut, its database connections gone. */
async function killDoor(door: Door): Promise<void> {
  door.server.closeAllConnections();
  await new Promise<void>((resolve) => door.server.close(() => resolve()));
  await door.runs.close().catch(() => undefined);
  await door.pool.end().catch(() => undefined);
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

const message = (text: string) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
    },
  }) as never;

const answerOf = (task: Task) =>
  task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

/** A client call's refusal. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** Streams `text` through `door` until the task is known and its run's slow tool has started. */
async function startHeldTask(door: Door, text: string) {
  writeFileSync(join(holdDirectory, 'all'), '');
  const alice = await client(door, 'alice');
  const stream = alice.sendMessageStream(message(text));
  const first = await stream.next();
  const payload = (first.value as StreamResponse).payload;
  if (payload?.$case !== 'task') throw new Error('the stream starts with the task');
  const task = payload.value;
  await waitFor(() => counter.count(`start slow ${task.id}:`) === 1, 'the slow tool to start');
  // The rest of the stream, read in the background: it ends when door A dies.
  const rest = (async () => {
    const events: StreamResponse[] = [];
    try {
      for await (const event of { [Symbol.asyncIterator]: () => stream }) events.push(event);
    } catch {}
    return events;
  })();
  return { task, rest };
}

beforeAll(async () => {
  fake = createScriptedFake((input) => {
    answerCalls.set(input ?? '', (answerCalls.get(input ?? '') ?? 0) + 1);
  });
  await fake.listen();
  databaseUrl = await workerDatabase('a2a');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `a2a-worker-${index}` })),
  );
});

afterAll(async () => {
  for (const door of doors) await killDoor(door);
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

describe('durable A2A tasks', () => {
  it('a task survives its worker SIGKILLed mid-run: resubscribed through another door, it completes once', async () => {
    const doorA = await openDoor();
    const doorB = await openDoor();
    const { task, rest } = await startHeldTask(doorA, 'Where is order 7?');
    // The task is the durable run of the same id, the caller its owner.
    const status = await doorB.runs.status(task.id);
    expect(status?.owner).toBe('alice');
    const victim = workers.find((worker) => worker.executorId === status?.executorId);
    if (victim === undefined) throw new Error(`no worker runs ${task.id}`);
    // The worker dies, and its door with it.
    await stopWorker(victim, 'SIGKILL');
    await killDoor(doorA);
    await rest;
    rmSync(join(holdDirectory, 'all'));

    const alice = await client(doorB, 'alice');
    const events: StreamResponse[] = [];
    for await (const event of alice.resubscribeTask({ id: task.id } as never)) events.push(event);
    const last = events.at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' ? last.value.status?.state : undefined).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    // The whole answer as the last chunk of the artifact, and the stored task says the same.
    const chunks = events.flatMap((event) =>
      event.payload?.$case === 'artifactUpdate' && event.payload.value.lastChunk
        ? [answerOf({ artifacts: [event.payload.value.artifact] } as Task)]
        : [],
    );
    expect(chunks).toEqual([ANSWER]);
    const read = await alice.getTask({ id: task.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(read)).toBe(ANSWER);
    expect((await doorB.runs.status(task.id))?.executorId).not.toBe(victim.executorId);
    // The answer was produced once: each tool completed once (the slow one cut by the kill ran
    // again), and the fake answered the question's last turn once.
    expect(counter.count(`done lookup ${task.id}:`)).toBe(1);
    expect(counter.count(`start slow ${task.id}:`)).toBe(2);
    expect(counter.count(`done slow ${task.id}:`)).toBe(1);
    expect(answerCalls.get('Where is order 7?')).toBe(1);

    // Another caller gets what an unknown task id gets, through either door.
    const bob = await client(doorB, 'bob');
    // Each started only when awaited: one made early would reject with nobody listening yet.
    for (const attempt of [
      () => bob.getTask({ id: task.id } as never),
      () => bob.cancelTask({ id: task.id } as never),
      async () => {
        for await (const _ of bob.resubscribeTask({ id: task.id } as never)) {
        }
      },
    ]) {
      expect((await failure(attempt())).message).toContain('not found');
    }
  });

  it('a task canceled through another door cancels its durable run', async () => {
    const doorA = await openDoor();
    const doorB = await openDoor();
    const { task, rest } = await startHeldTask(doorA, 'Where is order 7? (cancel)');
    const bob = await client(doorB, 'bob');
    expect((await failure(bob.cancelTask({ id: task.id } as never))).message).toContain(
      'not found',
    );
    expect((await doorB.runs.status(task.id))?.status).toBe('PENDING');
    const alice = await client(doorB, 'alice');
    const canceled = await alice.cancelTask({ id: task.id } as never);
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await waitFor(
      async () => (await doorB.runs.status(task.id))?.status === 'CANCELLED',
      'the run to be cancelled',
    );
    // Its running tool is aborted (still held: it ends only by the abort).
    await waitFor(() => counter.count(`stopped slow ${task.id}:`) === 1, 'the tool to stop');
    rmSync(join(holdDirectory, 'all'));
    // Door A's stream, following the run, ends canceled too.
    const events = await rest;
    const last = events.at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' ? last.value.status?.state : undefined).toBe(
      TaskState.TASK_STATE_CANCELED,
    );
    expect(counter.count(`done slow ${task.id}:`)).toBe(0);
    expect(answerCalls.get('Where is order 7? (cancel)')).toBeUndefined();
    const read = await (await client(doorA, 'alice')).getTask({ id: task.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });
});
