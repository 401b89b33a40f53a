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

// Two crash scenarios, each a session of its own against a fake of its own, held by one worker
// and ended by one SIGKILL, then continued by one restarted worker: a worker start and a kill cost
// seconds of CPU (bench/RESULTS.md, speed-live53). Each test reads only its session's fake, rows,
// counter lines and events, so each proves its own claim:
// - SALES: a call with an id, cut by the kill, is answered once with its recovered workflow's result;
// - IDLESS: Vertex sends Live tool calls without an id (FunctionCall.id is "Optional"): core keys
//   them `live-call-<n>` and answers them id-less. Held across a SIGKILL, such a call was answered
//   with its key as the wire id (the server refuses it), and the restarted process counted keys
//   from 0 again: a new call got an earlier call's key, so its workflow id, and was answered with
//   that call's stored result.

const liveWorker = new URL('../__fixtures__/live-worker.ts', import.meta.url).pathname;
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-live-hold-'));
const SALES = 'call-4711';
const IDLESS = 'vertex_call-9';

let salesFake: FakeLive;
let idlessFake: FakeLive;
let pool: pg.Pool;
let env: Record<string, string>;
const counter = createCounter();
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  salesFake = await createFakeLive({
    script: [
      [
        { toolCalls: [{ name: 'long_report', id: 'r1', args: { topic: 'sales' } }] },
        { text: 'I am on it.' },
      ],
      [{ text: 'Your sales report is ready.' }],
    ],
  });
  idlessFake = await createFakeLive({
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
  const databaseUrl = await workerDatabase('live');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  env = {
    DATABASE_URL: databaseUrl,
    COUNTER_FILE: counter.file,
    HOLD_DIR: holdDirectory,
    // The same executor id: DBOS recovers a process's workflows when it starts again.
    EXECUTOR_ID: 'live-worker-0',
  };
});

afterAll(async () => {
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await pool?.end();
  await salesFake?.close();
  await idlessFake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The worker's sessions, in the same order at every start (a session's agent is its index). */
const sessions = (say: { sales: string; idless: string } | undefined): string =>
  JSON.stringify([
    { id: SALES, liveUrl: salesFake.url, say: say?.sales },
    { id: IDLESS, liveUrl: idlessFake.url, say: say?.idless },
  ]);

type CallRow = { call_id: string; in_handle: boolean; state: string; idless: boolean };
const stored = async (sessionId: string): Promise<{ handle: string | null; calls: CallRow[] }> => {
  const session = await pool
    .query<{ handle: string | null }>(
      `SELECT handle FROM ${LIVE_SESSIONS_TABLE} WHERE session_id = $1`,
      [sessionId],
    )
    .catch(() => ({ rows: [] as { handle: string | null }[] }));
  const calls = await pool
    .query<CallRow>(
      `SELECT call_id, in_handle, state, idless FROM ${LIVE_CALLS_TABLE}
        WHERE session_id = $1 ORDER BY call_id`,
      [sessionId],
    )
    .catch(() => ({ rows: [] as CallRow[] }));
  return { handle: session.rows[0]?.handle ?? null, calls: calls.rows };
};

/** Every toolResponse a fake received, over every connection, with the connection's index. */
const toolResponses = (fake: FakeLive) =>
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

/** The events a worker printed for one session (`event <session id> <json>` lines). */
const eventsOf = (worker: WorkerProcess, sessionId: string): string =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith(`event ${sessionId} `))
    .join('\n');

/** The events a worker printed for one session, parsed. */
const liveEventsOf = (worker: WorkerProcess, sessionId: string): Record<string, unknown>[] =>
  eventsOf(worker, sessionId)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line.slice(`event ${sessionId} `.length)) as Record<string, unknown>);

/** The `tool-reports` plugin's reports a worker printed for one session: `[kind, data]`. */
const reportsOf = (worker: WorkerProcess, sessionId: string): [unknown, unknown][] =>
  liveEventsOf(worker, sessionId)
    .filter((event) => event['type'] === 'plugin' && event['plugin'] === 'tool-reports')
    .map((event) => [event['kind'], event['data']]);

const key = (sessionId: string, callKey: string) => `gemloop.live:${sessionId}:${callKey}`;

type Crash = {
  /** The worker the kill ended (its output is what it printed before). */
  first: WorkerProcess;
  second: WorkerProcess;
  /** Each session's stored handle when the worker was killed. */
  handles: { sales: string | null; idless: string | null };
  /** What each fake had received, and the sales report's completions, when the worker was killed. */
  atKill: {
    sales: ReturnType<typeof toolResponses>;
    idless: ReturnType<typeof toolResponses>;
    salesDone: number;
  };
};

let crash: Promise<Crash> | undefined;
/** Both sessions held in their reports, one kill, one restart: memoised (`-t` runs it once too). */
const crashAndRestart = (): Promise<Crash> => {
  crash ??= (async () => {
    // Each report waits until the worker is dead (no clock races the kill).
    writeFileSync(join(holdDirectory, SALES), '');
    writeFileSync(join(holdDirectory, IDLESS), '');
    const first = await startWorker(
      {
        ...env,
        SESSIONS: sessions({
          sales: 'Write the sales report.',
          idless: 'Write the costs report, note sales.',
        }),
      },
      liveWorker,
    );
    workers.push(first);
    await waitFor(
      () => counter.count(`start long_report ${key(SALES, 'r1')}`) === 1,
      'the sales report to start',
    );
    await waitFor(
      () => counter.count(`start long_report ${key(IDLESS, 'live-call-0')}`) === 1,
      'the costs report to start',
    );
    // SALES: the handle the server sent after the turn (its state waits for r1) is stored with
    // the call.
    await waitFor(async () => {
      const state = await stored(SALES);
      return state.handle === salesFake.handles.at(-1) && state.calls.some((c) => c.in_handle);
    }, 'the handle holding the sales call to be stored');
    // IDLESS: the last handle's state waits for the report and holds the note's answer.
    await waitFor(async () => {
      const state = await stored(IDLESS);
      return (
        state.handle === idlessFake.handles.at(-1) &&
        eventsOf(first, IDLESS).includes('The note is in.') &&
        JSON.stringify(state.calls) ===
          JSON.stringify([
            { call_id: 'live-call-0', in_handle: true, state: 'running', idless: true },
            { call_id: 'live-call-1', in_handle: true, state: 'held', idless: true },
          ])
      );
    }, 'the handle holding the costs report and the note to be stored');
    const handles = { sales: (await stored(SALES)).handle, idless: (await stored(IDLESS)).handle };

    await stopWorker(first, 'SIGKILL');
    const atKill = {
      sales: toolResponses(salesFake),
      idless: toolResponses(idlessFake),
      salesDone: counter.count(`done long_report ${key(SALES, 'r1')}`),
    };
    rmSync(join(holdDirectory, SALES));
    rmSync(join(holdDirectory, IDLESS));
    // IDLESS: as if the process had died between starting the note's workflow and writing its
    // record: the workflow (and its result) is all that says live-call-1 was given out.
    await pool.query(`DELETE FROM ${LIVE_CALLS_TABLE} WHERE session_id = $1 AND call_id = $2`, [
      IDLESS,
      'live-call-1',
    ]);

    // The worker starts again (a deploy, a restart): DBOS recovers the tools' workflows and each
    // session is opened again with its id, as the user's client reconnects.
    const second = await startWorker({ ...env, SESSIONS: sessions(undefined) }, liveWorker);
    workers.push(second);
    return { first, second, handles, atKill };
  })();
  return crash;
};

describe('a durable live session whose worker is killed during a background tool', () => {
  it('delivers the tool result to the resumed session exactly once, for the right call id', async () => {
    const { first: crashFirst, second, handles, atKill } = await crashAndRestart();
    expect(handles.sales).toBe('fake-handle-2');
    expect(atKill.sales).toEqual([]);
    expect(atKill.salesDone).toBe(0);
    await waitFor(
      async () =>
        (await stored(SALES)).calls.some((call) => call.call_id === 'r1' && call.state === 'held'),
      'the answer to be held by a stored handle',
    );
    await waitFor(
      () => eventsOf(second, SALES).includes('Your sales report is ready.'),
      'the model to answer',
    );

    // Exactly one response reached the server, for r1, on the resumed connection of the session.
    expect(toolResponses(salesFake)).toEqual([
      {
        index: 1,
        id: 'r1',
        name: 'long_report',
        response: { topic: 'sales', pages: 3 },
        scheduling: 'WHEN_IDLE',
      },
    ]);
    expect(salesFake.connections[1]?.resumedHandle).toBe(handles.sales);
    expect(salesFake.connections[1]?.sessionId).toBe(salesFake.connections[0]?.sessionId);
    // The fake broke no rule (a response twice, or for a call it no longer waits for, would).
    expect(salesFake.errors).toEqual([]);
    // The tool was cut by the kill and ran again in the recovered workflow, which completed once;
    // the resumed session delivered that workflow's result, it did not run the tool a third time.
    expect(counter.count(`start long_report ${key(SALES, 'r1')}`)).toBe(2);
    expect(counter.count(`done long_report ${key(SALES, 'r1')}`)).toBe(1);
    // The resumed process saw the call again (owed) and its result.
    expect(eventsOf(second, SALES)).toContain('"type":"tool-result","toolCallId":"r1"');

    // A plugin's reports about the call (the worker's `tool-reports`, a `wrapToolCall`): a live
    // session's plugin hooks run in the session's process around the call's workflow, never
    // inside its step (the step runs the tool alone), so the step keeps none and a replay of it
    // makes none. The killed process reported the wait (the kill cut the call); the resumed one,
    // which owes the call, runs the hooks again around the recovered workflow's result and
    // reports both, once each, before the result. A live session's events are not stored (no
    // stream of them, no index a later event could shift): each process's are its own.
    expect(reportsOf(crashFirst, SALES)).toEqual([['tool-wait', { call: 'r1' }]]);
    const resumed = liveEventsOf(second, SALES);
    expect(reportsOf(second, SALES)).toEqual([
      ['tool-wait', { call: 'r1' }],
      ['tool-done', { call: 'r1', outcome: 'value' }],
    ]);
    const done = resumed.findIndex((event) => event['kind'] === 'tool-done');
    const result = resumed.findIndex(
      (event) => event['type'] === 'tool-result' && event['toolCallId'] === 'r1',
    );
    expect(done).toBeGreaterThanOrEqual(0);
    expect(done).toBeLessThan(result);
  });
});

describe('a durable live session whose worker is killed during an id-less background call', () => {
  it('answers the held call once without an id, and keys a new call past every earlier one', async () => {
    const { second, handles, atKill } = await crashAndRestart();
    expect(atKill.idless).toEqual([
      { index: 0, name: 'quick_note', response: { note: 'sales' }, scheduling: 'WHEN_IDLE' },
    ]);
    await waitFor(() => eventsOf(second, IDLESS).includes('All done.'), 'the model to finish');

    // One answer per call, none with an id, each its own call's result: the report's from its
    // recovered workflow, the new note's from its own run (live-call-1's workflow answered it
    // with "sales" when the restarted process counted from 0 again).
    expect(toolResponses(idlessFake)).toEqual([
      { index: 0, name: 'quick_note', response: { note: 'sales' }, scheduling: 'WHEN_IDLE' },
      {
        index: 1,
        name: 'long_report',
        response: { topic: 'costs', pages: 3 },
        scheduling: 'WHEN_IDLE',
      },
      { index: 1, name: 'quick_note', response: { note: 'staff' }, scheduling: 'WHEN_IDLE' },
    ]);
    expect(idlessFake.connections[1]?.resumedHandle).toBe(handles.idless);
    // The fake broke no rule: an answer with an id to an id-less call would.
    expect(idlessFake.errors).toEqual([]);
    expect(counter.count(`start long_report ${key(IDLESS, 'live-call-0')}`)).toBe(2);
    expect(counter.count(`done long_report ${key(IDLESS, 'live-call-0')}`)).toBe(1);
    expect(
      counter.lines().filter((line) => line.startsWith('note ') && line.includes(`:${IDLESS}:`)),
    ).toEqual([
      `note sales ${key(IDLESS, 'live-call-1')}`,
      `note staff ${key(IDLESS, 'live-call-2')}`,
    ]);
    expect(eventsOf(second, IDLESS)).toContain('"type":"tool-result","toolCallId":"live-call-0"');
    expect(eventsOf(second, IDLESS)).toContain('"toolCallId":"live-call-2"');
    // The report's answer is held by a stored handle (never sent again), and the new call is
    // recorded as id-less under its own key.
    await waitFor(async () => {
      const { calls } = await stored(IDLESS);
      return (
        calls.some((call) => call.call_id === 'live-call-0' && call.state === 'held') &&
        calls.some((call) => call.call_id === 'live-call-2')
      );
    }, 'the report held and the new call recorded');
    expect(
      (await stored(IDLESS)).calls.find((call) => call.call_id === 'live-call-2'),
    ).toMatchObject({ idless: true });
  });
});
