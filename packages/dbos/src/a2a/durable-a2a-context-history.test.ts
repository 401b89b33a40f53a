// A durable A2A context keeps its conversation across a fleet (issue 53, durable-a2a55): each
// door's `durable.history` is one Postgres history store, keyed by caller and context. The A2A
// SDK's own client sends two messages in one context: the second task's model requests (at the
// fake Gemini) hold the first task's turn; the worker running the second task is SIGKILLed mid-tool
// and another takes the run over, while two doors follow it (the one that started it and one a
// resubscribe made follow it): the turn is saved once. Another caller's same contextId reads
// nothing of it; a third message through the other door continues from both turns; two tasks at
// once in one context never fork it. A task whose door died while it ran (the worker finishing
// it) and that nobody read again has its turn saved by the context's next task, at another door,
// before that task starts (issue 53, a2a-catchup55). All of it twice: with each task's context in
// its run's input, and by reference to the store (`durable.historyByReference`, a2a-ref58).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { type Client, ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import type { Content } from '@gemloop/core/wire';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { toNodeListener } from '@gemloop/serve/node';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
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
import { ANSWER, scriptedCrashTurn } from '../__fixtures__/scripted-crash-fake.ts';
import { createPostgresHistoryStore } from '../chat/create-postgres-history-store.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';
import { createPostgresTaskStore } from './index.ts';

const TOKENS = { alice: 'token-alice', bob: 'token-bob' } as const;
const authorize = (request: Request) => {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
  return Object.entries(TOKENS).find(([, each]) => each === token)?.[0] ?? null;
};

/** One door: its own runs client, task store pool, history store and HTTP server. */
type Door = { origin: string; runs: DurableRuns; pool: pg.Pool; server: Server; errors: unknown[] };

let fake: FakeGemini;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;
let databaseUrl: string;
let reader: pg.Pool;
/** The workers' env but their EXECUTOR_ID. */
let workerEnv: Record<string, string>;
const doors: Door[] = [];
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-a2a-context-'));

async function openDoor(historyByReference: boolean): Promise<Door> {
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const errors: unknown[] = [];
  const handler = createA2AHandler({
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize,
    durable: {
      runs,
      agent: 'support',
      history: createPostgresHistoryStore({ pool }),
      historyByReference,
    },
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

async function closeDoor(door: Door): Promise<void> {
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

const message = (text: string, contextId?: string) =>
  ({
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text', value: text } }],
      ...(contextId === undefined ? {} : { contextId }),
    },
  }) as never;

/** The last status of a stream's events, and its status message's metadata. */
function lastStatus(events: readonly StreamResponse[]) {
  const last = events.at(-1)?.payload;
  const status = last?.$case === 'statusUpdate' ? last.value.status : undefined;
  return { state: status?.state, metadata: status?.message?.metadata };
}

/** Streams `text` to its end; the task and the stream's events. */
async function send(door: Door, owner: keyof typeof TOKENS, text: string, contextId?: string) {
  const caller = await client(door, owner);
  const events: StreamResponse[] = [];
  for await (const event of caller.sendMessageStream(message(text, contextId))) events.push(event);
  const first = events[0]?.payload;
  if (first?.$case !== 'task') throw new Error('the stream starts with the task');
  return { task: first.value, events };
}

/** Streams `text` until the task is known and its run's slow tool has started (held). */
async function startHeld(door: Door, text: string, contextId: string) {
  const stream = (await client(door, 'alice')).sendMessageStream(message(text, contextId));
  const first = await stream.next();
  const payload = (first.value as StreamResponse).payload;
  if (payload?.$case !== 'task') throw new Error('the stream starts with the task');
  const task: Task = payload.value;
  await waitFor(() => counter.count(`start slow ${task.id}:`) >= 1, 'the slow tool to start');
  const rest = (async () => {
    const events: StreamResponse[] = [];
    try {
      for await (const event of { [Symbol.asyncIterator]: () => stream }) events.push(event);
    } catch {}
    return events;
  })();
  return { task, rest };
}

/** The stored turns of `owner`'s context, read as any door reads them. */
async function storedTurns(owner: string, contextId: string): Promise<{ contents: Content[] }[]> {
  const { rows } = await reader.query<{ turn: { contents: Content[] } }>(
    'SELECT turn FROM gemloop_chat_turns WHERE session_id = $1 ORDER BY turn_index',
    [JSON.stringify(['a2a', '', owner, contextId])],
  );
  return rows.map((row) => row.turn);
}

/** The user texts of a content list, in order. */
const userTexts = (contents: readonly Content[]) =>
  contents.flatMap((content) =>
    content.role === 'user'
      ? (content.parts ?? []).flatMap((part) => ('text' in part && part.text ? [part.text] : []))
      : [],
  );

/** The contents of every model request whose newest user text is `text`. */
function requestsFor(text: string): Content[][] {
  return fake.requests
    .filter((request) => request.method.endsWith('enerateContent'))
    .map((request) => (request.body as { contents?: Content[] }).contents ?? [])
    .filter((contents) => userTexts(contents).at(-1) === text);
}

beforeAll(async () => {
  fake = createFakeGemini({
    chunkDelayMs: 10,
    signatureValidation: 'present',
    script: (request, context) => scriptedCrashTurn(request, context, () => {}),
  });
  await fake.listen();
  databaseUrl = await workerDatabase('a2a-context');
  reader = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workerEnv = env;
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `a2a-context-worker-${index}` })),
  );
});

afterAll(async () => {
  for (const door of doors) await closeDoor(door);
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await reader?.end();
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The text of the run's `dbos.workflow_input` row. */
async function storedInput(runId: string): Promise<string> {
  const { rows } = await reader.query<{ input: string }>(
    'SELECT t::text AS input FROM dbos.workflow_input t WHERE workflow_uuid = $1',
    [runId],
  );
  return rows[0]?.input ?? '';
}

/** historyByReference off, then on: each mode's first test kills a worker. */
const MODES = [false, true];

describe.each(MODES)('a durable A2A context (historyByReference: %s)', (byReference) => {
  it('continues its conversation across tasks, a worker SIGKILL and doors, saving each turn once, for its caller only', async () => {
    const doorA = await openDoor(byReference);
    const doorB = await openDoor(byReference);
    const first = await send(doorA, 'alice', 'Where is order 7?');
    expect(lastStatus(first.events).state).toBe(TaskState.TASK_STATE_COMPLETED);
    const { contextId } = first.task;
    const afterFirst = await storedTurns('alice', contextId);
    expect(afterFirst).toHaveLength(1);
    expect(userTexts(afterFirst[0]?.contents ?? [])[0]).toBe('Where is order 7?');

    // The second task, held in its slow tool; its worker dies there.
    writeFileSync(join(holdDirectory, 'all'), '');
    const { task, rest } = await startHeld(doorA, 'And when does it arrive?', contextId);
    expect(task.contextId).toBe(contextId);
    const status = await doorB.runs.status(task.id);
    const victim = workers.find((worker) => worker.executorId === status?.executorId);
    if (victim === undefined) throw new Error(`no worker runs ${task.id}`);
    await stopWorker(victim, 'SIGKILL');
    rmSync(join(holdDirectory, 'all'));
    // Door B follows the run too (a resubscribe): two doors see it end, each would save its turn.
    const resubscribed: StreamResponse[] = [];
    for await (const event of (await client(doorB, 'alice')).resubscribeTask({
      id: task.id,
    } as never)) {
      resubscribed.push(event);
    }
    expect(lastStatus(resubscribed).state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(lastStatus(await rest).state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect((await doorB.runs.status(task.id))?.executorId).not.toBe(victim.executorId);
    // Two workers again for the other mode's run of this test (its victim needs a taker); after
    // the last mode's kill no test kills again, and the survivor runs the rest (one worker start
    // fewer: bench/RESULTS.md, speed-dbos1).
    workers.splice(workers.indexOf(victim), 1);
    if (byReference !== MODES.at(-1))
      workers.push(
        await startWorker({ ...workerEnv, EXECUTOR_ID: `${victim.executorId}-${byReference}` }),
      );

    // Each model request of the second task held the first turn whole: its message and answer.
    const second = requestsFor('And when does it arrive?');
    expect(second.length).toBeGreaterThanOrEqual(3);
    for (const contents of second) {
      expect(contents.slice(0, afterFirst[0]?.contents.length)).toEqual(afterFirst[0]?.contents);
    }
    // Saved once, though two doors followed the run to its end and the run was taken over.
    const afterSecond = await storedTurns('alice', contextId);
    expect(afterSecond).toHaveLength(2);
    expect(userTexts(afterSecond[1]?.contents ?? [])[0]).toBe('And when does it arrive?');
    // The second task's input: the first turn itself, or the store's reference to it.
    const input = await storedInput(task.id);
    expect(input.includes('Where is order 7?')).toBe(!byReference);
    expect(input.includes('"digest"')).toBe(byReference);
    expect(JSON.stringify(afterSecond[1]?.contents)).toContain(ANSWER.slice(0, 24));

    // Another caller's task with the same contextId starts a conversation of its own.
    const bob = await send(doorB, 'bob', 'Bob asks about order 9.', contextId);
    expect(lastStatus(bob.events).state).toBe(TaskState.TASK_STATE_COMPLETED);
    for (const contents of requestsFor('Bob asks about order 9.')) {
      expect(userTexts(contents)[0]).toBe('Bob asks about order 9.');
      expect(JSON.stringify(contents)).not.toContain('order 7');
    }
    expect(await storedTurns('bob', contextId)).toHaveLength(1);
    expect(await storedTurns('alice', contextId)).toHaveLength(2);

    // The other door continues alice's context from both turns.
    const third = await send(doorB, 'alice', 'Thanks. Anything else?', contextId);
    expect(lastStatus(third.events).state).toBe(TaskState.TASK_STATE_COMPLETED);
    const thirdRequests = requestsFor('Thanks. Anything else?');
    expect(thirdRequests.length).toBeGreaterThan(0);
    for (const contents of thirdRequests) {
      expect(userTexts(contents).slice(0, 2)).toEqual([
        'Where is order 7?',
        'And when does it arrive?',
      ]);
    }
    expect(await storedTurns('alice', contextId)).toHaveLength(3);
    expect([...doorA.errors, ...doorB.errors]).toEqual([]);
  });

  it('two tasks at once in one context: the second to end fails (context_conflict) and saves nothing', async () => {
    const door = await openDoor(byReference);
    const first = await send(door, 'alice', 'Where is order 7? (twice)');
    const { contextId } = first.task;
    writeFileSync(join(holdDirectory, 'all'), '');
    const one = await startHeld(door, 'First at once.', contextId);
    const two = await startHeld(door, 'Second at once.', contextId);
    rmSync(join(holdDirectory, 'all'));
    const ends = [lastStatus(await one.rest), lastStatus(await two.rest)];
    const states = ends.map((end) => end.state).sort();
    expect(states).toEqual([TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED].sort());
    const failed = ends.find((end) => end.state === TaskState.TASK_STATE_FAILED);
    expect(failed?.metadata).toMatchObject({ code: 'context_conflict' });
    // One turn more, the completed task's: the conversation did not fork.
    const turns = await storedTurns('alice', contextId);
    expect(turns).toHaveLength(2);
    const completed =
      ends[0]?.state === TaskState.TASK_STATE_COMPLETED ? 'First at once.' : 'Second at once.';
    expect(userTexts(turns[1]?.contents ?? [])[0]).toBe(completed);
    expect(door.errors).toEqual([]);
  });

  it("saves the turn of a task whose door died before the context's next task starts, at another door, once", async () => {
    const doorA = await openDoor(byReference);
    const doorB = await openDoor(byReference);
    const first = await send(doorA, 'alice', 'Where is order 11?');
    const { contextId } = first.task;
    expect(await storedTurns('alice', contextId)).toHaveLength(1);

    // Task 2 held in its slow tool while door A follows it; door A dies, the worker finishes it.
    writeFileSync(join(holdDirectory, 'all'), '');
    const orphan = await startHeld(doorA, 'Can it ship today?', contextId);
    await closeDoor(doorA);
    await orphan.rest;
    rmSync(join(holdDirectory, 'all'));
    await waitFor(
      async () => (await doorB.runs.status(orphan.task.id))?.status === 'SUCCESS',
      'the orphaned run to complete',
    );
    // Nobody read the task since: its turn is not saved, and the task store says it works.
    expect(await storedTurns('alice', contextId)).toHaveLength(1);

    // The client's next message goes to door B: its run starts with the orphaned task's turn.
    const next = await send(doorB, 'alice', 'Then ship it.', contextId);
    expect(lastStatus(next.events).state).toBe(TaskState.TASK_STATE_COMPLETED);
    const requests = requestsFor('Then ship it.');
    expect(requests.length).toBeGreaterThan(0);
    for (const contents of requests) {
      expect(userTexts(contents)).toEqual([
        'Where is order 11?',
        'Can it ship today?',
        'Then ship it.',
      ]);
    }
    const turns = await storedTurns('alice', contextId);
    expect(turns.map((turn) => userTexts(turn.contents)[0])).toEqual([
      'Where is order 11?',
      'Can it ship today?',
      'Then ship it.',
    ]);
    expect(JSON.stringify(turns[1]?.contents)).toContain(ANSWER.slice(0, 24));

    // Reading the orphaned task now makes door B follow its ended run (the first read may still
    // say working): it completes, its turn found saved; nothing more is saved.
    const asker = await client(doorB, 'alice');
    await waitFor(
      async () =>
        (await asker.getTask({ id: orphan.task.id } as never)).status?.state ===
        TaskState.TASK_STATE_COMPLETED,
      'the orphaned task to read completed',
    );
    expect(await storedTurns('alice', contextId)).toHaveLength(3);
    expect(doorB.errors).toEqual([]);
  });
});
