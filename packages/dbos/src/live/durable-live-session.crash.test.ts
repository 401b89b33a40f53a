import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeLive, type FakeLive } from '@gemloop/testing/live';
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
import { LIVE_CALLS_TABLE, LIVE_SESSIONS_TABLE } from './live-session-store.ts';

const liveWorker = new URL('../__fixtures__/live-worker.ts', import.meta.url).pathname;
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-live-hold-'));
const SESSION_ID = 'call-4711';

let fake: FakeLive;
let pool: pg.Pool;
let env: Record<string, string>;
const counter = createCounter();
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  fake = await createFakeLive({
    script: [
      [
        { toolCalls: [{ name: 'long_report', id: 'r1', args: { topic: 'sales' } }] },
        { text: 'I am on it.' },
      ],
      [{ text: 'Your sales report is ready.' }],
    ],
  });
  const databaseUrl = await workerDatabase('live');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  env = {
    DATABASE_URL: databaseUrl,
    COUNTER_FILE: counter.file,
    HOLD_DIR: holdDirectory,
    SESSIONS: JSON.stringify([{ id: SESSION_ID, liveUrl: fake.url }]),
    // The same executor id: DBOS recovers a process's workflows when it starts again.
    EXECUTOR_ID: 'live-worker-0',
  };
});

afterAll(async () => {
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await pool?.end();
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

const stored = async (): Promise<{
  handle: string | null;
  calls: { call_id: string; in_handle: boolean; state: string }[];
}> => {
  const session = await pool
    .query<{ handle: string | null }>(
      `SELECT handle FROM ${LIVE_SESSIONS_TABLE} WHERE session_id = $1`,
      [SESSION_ID],
    )
    .catch(() => ({ rows: [] as { handle: string | null }[] }));
  const calls = await pool
    .query<{ call_id: string; in_handle: boolean; state: string }>(
      `SELECT call_id, in_handle, state FROM ${LIVE_CALLS_TABLE} WHERE session_id = $1`,
      [SESSION_ID],
    )
    .catch(() => ({ rows: [] as { call_id: string; in_handle: boolean; state: string }[] }));
  return { handle: session.rows[0]?.handle ?? null, calls: calls.rows };
};

/** Every toolResponse the fake received, over every connection, with the connection's index. */
const toolResponses = () =>
  fake.connections.flatMap((connection, index) =>
    connection.messages.flatMap((message) => {
      const response = message['toolResponse'] as
        | { functionResponses: Record<string, unknown>[] }
        | undefined;
      return response === undefined
        ? []
        : response.functionResponses.map((each) => ({ index, ...each }));
    }),
  );

describe('a durable live session whose worker is killed during a background tool', () => {
  it('delivers the tool result to the resumed session exactly once, for the right call id', async () => {
    // The tool waits until the worker is dead (no clock races the kill).
    writeFileSync(join(holdDirectory, SESSION_ID), '');
    const first = await startWorker(
      {
        ...env,
        SESSIONS: JSON.stringify([
          { id: SESSION_ID, liveUrl: fake.url, say: 'Write the sales report.' },
        ]),
      },
      liveWorker,
    );
    workers.push(first);
    const key = `gemloop.live:${SESSION_ID}:r1`;
    await waitFor(() => counter.count(`start long_report ${key}`) === 1, 'the tool to start');
    // The handle the server sent after the turn (its state waits for r1) is stored with the call.
    await waitFor(async () => {
      const state = await stored();
      return state.handle === fake.handles.at(-1) && state.calls.some((call) => call.in_handle);
    }, 'the handle holding the call to be stored');
    const handleBeforeCrash = (await stored()).handle;
    expect(handleBeforeCrash).toBe('fake-handle-2');

    await stopWorker(first, 'SIGKILL');
    expect(toolResponses()).toEqual([]);
    expect(counter.count(`done long_report ${key}`)).toBe(0);
    rmSync(join(holdDirectory, SESSION_ID));

    // The worker starts again (a deploy, a restart): DBOS recovers the tool's workflow and the
    // session is opened again with its id, as the user's client reconnects.
    const second = await startWorker(env, liveWorker);
    workers.push(second);
    await waitFor(
      async () =>
        (await stored()).calls.some((call) => call.call_id === 'r1' && call.state === 'held'),
      'the answer to be held by a stored handle',
    );
    await waitFor(
      () => second.output().includes('Your sales report is ready.'),
      'the model to answer',
    );

    // Exactly one response reached the server, for r1, on the resumed connection of the session.
    expect(toolResponses()).toEqual([
      {
        index: 1,
        id: 'r1',
        name: 'long_report',
        response: { topic: 'sales', pages: 3 },
        scheduling: 'WHEN_IDLE',
      },
    ]);
    expect(fake.connections[1]?.resumedHandle).toBe(handleBeforeCrash);
    expect(fake.connections[1]?.sessionId).toBe(fake.connections[0]?.sessionId);
    // The fake broke no rule (a response twice, or for a call it no longer waits for, would).
    expect(fake.errors).toEqual([]);
    // The tool was cut by the kill and ran again in the recovered workflow, which completed once;
    // the resumed session delivered that workflow's result, it did not run the tool a third time.
    expect(counter.count(`start long_report ${key}`)).toBe(2);
    expect(counter.count(`done long_report ${key}`)).toBe(1);
    // The resumed process saw the call again (owed) and its result.
    expect(second.output()).toContain('"type":"tool-result","toolCallId":"r1"');
  });
});
