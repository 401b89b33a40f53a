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

// Vertex sends Live tool calls without an id (FunctionCall.id is "Optional"): core keys them
// `live-call-<n>` and answers them id-less. Held across a SIGKILL, such a call was answered with
// its key as the wire id (the server refuses it), and the restarted process counted keys from 0
// again: a new call got an earlier call's key, so its workflow id, and was answered with that
// call's stored result. The SIGKILL test of calls with ids is durable-live-session.crash.test.ts.

const liveWorker = new URL('../__fixtures__/live-worker.ts', import.meta.url).pathname;
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-live-idless-hold-'));
const SESSION_ID = 'vertex_call-9';

let fake: FakeLive;
let pool: pg.Pool;
let env: Record<string, string>;
const counter = createCounter();
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  fake = await createFakeLive({
    script: [
      [
        // live-call-0: held by the kill; live-call-1: answered before it.
        {
          toolCalls: [
            { name: 'long_report', id: null, args: { topic: 'costs' } },
            { name: 'quick_note', id: null, args: { text: 'sales' } },
          ],
        },
        { text: 'I am on both.' },
      ],
      [{ text: 'The note is in.' }],
      // After the restart, once the report is in: a new id-less call, whose key must be new.
      [
        { toolCalls: [{ name: 'quick_note', id: null, args: { text: 'staff' } }] },
        { text: 'The report is in.' },
      ],
      [{ text: 'All done.' }],
    ],
  });
  const databaseUrl = await workerDatabase('live_idless');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  env = {
    DATABASE_URL: databaseUrl,
    COUNTER_FILE: counter.file,
    HOLD_DIR: holdDirectory,
    SESSIONS: JSON.stringify([{ id: SESSION_ID, liveUrl: fake.url }]),
    EXECUTOR_ID: 'live-idless-worker-0',
  };
});

afterAll(async () => {
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await pool?.end();
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

type CallRow = { call_id: string; in_handle: boolean; state: string; idless: boolean };
const stored = async (): Promise<{ handle: string | null; calls: CallRow[] }> => {
  const session = await pool
    .query<{ handle: string | null }>(
      `SELECT handle FROM ${LIVE_SESSIONS_TABLE} WHERE session_id = $1`,
      [SESSION_ID],
    )
    .catch(() => ({ rows: [] as { handle: string | null }[] }));
  const calls = await pool
    .query<CallRow>(
      `SELECT call_id, in_handle, state, idless FROM ${LIVE_CALLS_TABLE}
        WHERE session_id = $1 ORDER BY call_id`,
      [SESSION_ID],
    )
    .catch(() => ({ rows: [] as CallRow[] }));
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

describe('a durable live session whose worker is killed during an id-less background call', () => {
  it('answers the held call once without an id, and keys a new call past every earlier one', async () => {
    writeFileSync(join(holdDirectory, SESSION_ID), '');
    const first = await startWorker(
      {
        ...env,
        SESSIONS: JSON.stringify([
          { id: SESSION_ID, liveUrl: fake.url, say: 'Write the costs report, note sales.' },
        ]),
      },
      liveWorker,
    );
    workers.push(first);
    const key = (callKey: string) => `gemloop.live:${SESSION_ID}:${callKey}`;
    await waitFor(
      () => counter.count(`start long_report ${key('live-call-0')}`) === 1,
      'the report to start',
    );
    // The last handle's state waits for the report and holds the note's answer.
    await waitFor(async () => {
      const state = await stored();
      return (
        state.handle === fake.handles.at(-1) &&
        first.output().includes('The note is in.') &&
        JSON.stringify(state.calls) ===
          JSON.stringify([
            { call_id: 'live-call-0', in_handle: true, state: 'running', idless: true },
            { call_id: 'live-call-1', in_handle: true, state: 'held', idless: true },
          ])
      );
    }, 'the handle holding the report and the note to be stored');
    const handleBeforeCrash = (await stored()).handle;
    await stopWorker(first, 'SIGKILL');
    expect(toolResponses()).toEqual([
      { index: 0, name: 'quick_note', response: { note: 'sales' }, scheduling: 'WHEN_IDLE' },
    ]);
    rmSync(join(holdDirectory, SESSION_ID));
    // As if the process had died between starting the note's workflow and writing its record:
    // the workflow (and its result) is all that says live-call-1 was given out.
    await pool.query(`DELETE FROM ${LIVE_CALLS_TABLE} WHERE session_id = $1 AND call_id = $2`, [
      SESSION_ID,
      'live-call-1',
    ]);

    const second = await startWorker(env, liveWorker);
    workers.push(second);
    await waitFor(() => second.output().includes('All done.'), 'the model to finish');

    // One answer per call, none with an id, each its own call's result: the report's from its
    // recovered workflow, the new note's from its own run (live-call-1's workflow answered it
    // with "sales" when the restarted process counted from 0 again).
    expect(toolResponses()).toEqual([
      { index: 0, name: 'quick_note', response: { note: 'sales' }, scheduling: 'WHEN_IDLE' },
      {
        index: 1,
        name: 'long_report',
        response: { topic: 'costs', pages: 3 },
        scheduling: 'WHEN_IDLE',
      },
      { index: 1, name: 'quick_note', response: { note: 'staff' }, scheduling: 'WHEN_IDLE' },
    ]);
    expect(fake.connections[1]?.resumedHandle).toBe(handleBeforeCrash);
    // The fake broke no rule: an answer with an id to an id-less call would.
    expect(fake.errors).toEqual([]);
    expect(counter.count(`start long_report ${key('live-call-0')}`)).toBe(2);
    expect(counter.count(`done long_report ${key('live-call-0')}`)).toBe(1);
    expect(counter.lines().filter((line) => line.startsWith('note '))).toEqual([
      `note sales ${key('live-call-1')}`,
      `note staff ${key('live-call-2')}`,
    ]);
    expect(second.output()).toContain('"type":"tool-result","toolCallId":"live-call-0"');
    expect(second.output()).toContain('"toolCallId":"live-call-2"');
    // The report's answer is held by a stored handle (never sent again), and the new call is
    // recorded as id-less under its own key.
    await waitFor(async () => {
      const { calls } = await stored();
      return (
        calls.some((call) => call.call_id === 'live-call-0' && call.state === 'held') &&
        calls.some((call) => call.call_id === 'live-call-2')
      );
    }, 'the report held and the new call recorded');
    expect((await stored()).calls.find((call) => call.call_id === 'live-call-2')).toMatchObject({
      idless: true,
    });
  });
});
