import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import {
  cancelLiveCall,
  migrateLiveSessions,
  openStoredLiveSession,
  recordLiveCall,
  storeLiveHandle,
} from './live-session-store.ts';

// What a durable live session owes after a crash, read from Postgres: the exactly-once rule
// without DBOS or a socket (the SIGKILL test is durable-live-session.crash.test.ts).

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('live-store'), max: 2 });
  await migrateLiveSessions(pool);
  // Twice: every worker migrates at start.
  await migrateLiveSessions(pool);
});
afterAll(async () => {
  await pool?.end();
});

const call = (id: string) => ({ id, name: 'long_report', args: { topic: id } });

describe('the live session store', () => {
  it('owes a call once a stored handle holds it, until a stored handle holds its answer', async () => {
    expect(await openStoredLiveSession(pool, 's1', 'voice')).toEqual({
      agent: undefined,
      handle: undefined,
      owed: [],
      idlessKeyStart: 0,
    });
    await storeLiveHandle(pool, 's1', { handle: 'h1', heldCallIds: [] });
    await recordLiveCall(pool, 's1', call('a'));
    await recordLiveCall(pool, 's1', call('a')); // the tool-call event of a resumed session
    // A crash now: h1 predates the call, whose state never heard of it: nothing is owed.
    expect((await openStoredLiveSession(pool, 's1', 'voice')).owed).toEqual([]);

    await storeLiveHandle(pool, 's1', { handle: 'h2', heldCallIds: [] });
    await recordLiveCall(pool, 's1', call('b'));
    // h2's state waits for a (not b, made after it).
    expect(await openStoredLiveSession(pool, 's1', 'voice')).toEqual({
      agent: 'voice',
      handle: 'h2',
      owed: [call('a')],
      idlessKeyStart: 0,
    });

    // a's answer was sent, then a crash before a handle held it: still owed (h2 waits for it).
    expect((await openStoredLiveSession(pool, 's1', 'voice')).owed).toEqual([call('a')]);
    await storeLiveHandle(pool, 's1', { handle: 'h3', heldCallIds: ['a'] });
    // h3 holds a's answer (never sent again) and waits for b.
    expect(await openStoredLiveSession(pool, 's1', 'voice')).toEqual({
      agent: 'voice',
      handle: 'h3',
      owed: [call('b')],
      idlessKeyStart: 0,
    });
    await cancelLiveCall(pool, 's1', 'b');
    expect((await openStoredLiveSession(pool, 's1', 'voice')).owed).toEqual([]);
    // A held answer listed again (a later handle) changes nothing; a cancelled call stays so.
    await storeLiveHandle(pool, 's1', { handle: 'h4', heldCallIds: ['a', 'b'] });
    const rows = await pool.query(
      `SELECT call_id, state FROM gemloop.live_calls WHERE session_id = 's1' ORDER BY call_id`,
    );
    expect(rows.rows).toEqual([
      { call_id: 'a', state: 'held' },
      { call_id: 'b', state: 'cancelled' },
    ]);
  });

  it('keeps sessions apart, and says which agent a session belongs to', async () => {
    await openStoredLiveSession(pool, 's2', 'voice');
    await storeLiveHandle(pool, 's2', { handle: 'x1', heldCallIds: [] });
    await recordLiveCall(pool, 's2', call('a'));
    await storeLiveHandle(pool, 's2', { handle: 'x2', heldCallIds: [] });
    await openStoredLiveSession(pool, 's3', 'support');
    expect(await openStoredLiveSession(pool, 's3', 'support')).toEqual({
      agent: 'support',
      handle: undefined,
      owed: [],
      idlessKeyStart: 0,
    });
    expect((await openStoredLiveSession(pool, 's2', 'voice')).owed).toEqual([call('a')]);
  });

  it('reads hostile args rows back as an object', async () => {
    await openStoredLiveSession(pool, 's4', 'voice');
    await pool.query(
      `INSERT INTO gemloop.live_calls (session_id, call_id, tool_name, args, in_handle) VALUES ('s4', 'z', 'long_report', '[1,2]', true)`,
    );
    expect((await openStoredLiveSession(pool, 's4', 'voice')).owed).toEqual([
      { id: 'z', name: 'long_report', args: {} },
    ]);
  });

  it('owes an id-less call as one (answered without an id), and starts keys past every key held', async () => {
    await openStoredLiveSession(pool, 's5', 'voice');
    const idless = (id: string) => ({ ...call(id), idless: true });
    // live-call-0 answered and held, live-call-1 cancelled, live-call-2 owed, r9 a server id.
    await recordLiveCall(pool, 's5', idless('live-call-0'));
    await recordLiveCall(pool, 's5', idless('live-call-1'));
    await storeLiveHandle(pool, 's5', { handle: 'y1', heldCallIds: [] });
    await recordLiveCall(pool, 's5', idless('live-call-2'));
    await recordLiveCall(pool, 's5', call('r9'));
    await storeLiveHandle(pool, 's5', { handle: 'y2', heldCallIds: ['live-call-0'] });
    await cancelLiveCall(pool, 's5', 'live-call-1');
    expect(await openStoredLiveSession(pool, 's5', 'voice')).toEqual({
      agent: 'voice',
      handle: 'y2',
      owed: [idless('live-call-2'), call('r9')],
      // Past live-call-0 too: a new call keyed so would meet its stored workflow and result.
      idlessKeyStart: 3,
    });
    // A call recorded after the last handle (a crash before the next): not owed, its key taken.
    await recordLiveCall(pool, 's5', idless('live-call-3'));
    expect((await openStoredLiveSession(pool, 's5', 'voice')).idlessKeyStart).toBe(4);
  });

  it('reads a row stored before the idless column as a call with an id', async () => {
    await openStoredLiveSession(pool, 's6', 'voice');
    // What an older worker wrote: no idless (the column's default), a key-shaped server id.
    await pool.query(
      `INSERT INTO gemloop.live_calls (session_id, call_id, tool_name, args, in_handle)
       VALUES ('s6', 'live-call-4', 'long_report', '{"topic":"x"}', true)`,
    );
    expect(await openStoredLiveSession(pool, 's6', 'voice')).toEqual({
      agent: 'voice',
      handle: undefined,
      owed: [{ id: 'live-call-4', name: 'long_report', args: { topic: 'x' } }],
      idlessKeyStart: 5,
    });
  });
});
