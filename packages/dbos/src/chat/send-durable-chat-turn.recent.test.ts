import type { ChatTurn } from '@gemloop/core/chat';
import { nextSessionSpend } from '@gemloop/core/internal';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import type { DurableRuns } from '../durable/runs/durable-runs.ts';
import {
  createPostgresHistoryStore,
  type PostgresHistoryStore,
} from './create-postgres-history-store.ts';
import { sendDurableChatTurn } from './send-durable-chat-turn.ts';

// A durable chat turn with `limit` reads what its window needs (leftovers84): a chat bot that
// lives for months has thousands of stored turns, and each turn read every one of them to send ten.
// The run id, the window, the holder, the keyless marks and the spend stay as the full read gives
// them (a rolling upgrade: an older client computes the same run id for the same turn).

const STORED = 5000;
const spend = (tokens: number) =>
  nextSessionSpend(undefined, {
    usage: {
      promptTokenCount: tokens,
      candidatesTokenCount: 1,
      thoughtsTokenCount: 0,
      toolUsePromptTokenCount: 0,
      cachedContentTokenCount: 0,
      totalTokenCount: tokens + 1,
    },
  });

/** Turn `index` as a long conversation stores it: spend, keyless mark, holder on the last one. */
function storedTurn(index: number): ChatTurn {
  return {
    contents: [
      { role: 'user', parts: [{ text: `q${index}` }] },
      { role: 'model', parts: [{ text: `a${index}` }] },
    ],
    tokenCount: 10,
    sessionSpend: spend(index),
    keylessFor: 'keys-1',
    ...(index === STORED - 1 ? { agent: 'billing' } : {}),
  } as ChatTurn;
}

type Started = { runId: string; history: unknown; holder?: unknown; keylessHistory?: unknown };

function fakeRuns(): { runs: DurableRuns; started: Started[] } {
  const started: Started[] = [];
  const runs = {
    start: async (_agent: string, input: Started) => {
      started.push(input);
      return { runId: input.runId };
    },
    result: async () => ({
      newContents: [
        { role: 'user', parts: [{ text: 'hi' }] },
        { role: 'model', parts: [{ text: 'ok' }] },
      ],
      steps: [],
      text: 'ok',
      usage: spend(3).usage,
    }),
  } as unknown as DurableRuns;
  return { runs, started };
}

/** A stand-in store over `turns` that counts the turns it hands out, with or without loadRecent. */
function countingStore(turns: ChatTurn[], recent: boolean) {
  const read = { rows: 0, loads: 0 };
  const appended: ChatTurn[] = [];
  const store = {
    table: 'gemloop_chat_turns',
    load: async () => {
      read.loads++;
      read.rows += turns.length;
      return turns;
    },
    ...(recent
      ? {
          loadRecent: async (_id: string, limit: { maxTurns?: number }) => {
            const take = Math.min(turns.length, limit.maxTurns ?? turns.length);
            read.rows += take;
            return { turns: turns.slice(turns.length - take), olderTurns: turns.length - take };
          },
        }
      : {}),
    append: async (_id: string, turn: ChatTurn) => {
      appended.push(turn);
    },
  } as unknown as PostgresHistoryStore;
  return { store, read, appended };
}

async function sendOn(
  store: PostgresHistoryStore,
  limit: { maxTurns?: number; maxTokens?: number },
) {
  const { runs, started } = fakeRuns();
  await sendDurableChatTurn({
    runs,
    store,
    sessionId: 's',
    agent: 'a',
    message: 'hi',
    model: 'gemini-3-flash-preview',
    limit,
  });
  return started;
}

const withoutTime = (turn: ChatTurn | undefined) => ({ ...turn, createdAt: 0 });

describe('sendDurableChatTurn: reads what the window needs', () => {
  it.each([10, 0])(
    'reads about maxTurns (%i) of 5,000 stored turns, and starts and stores the turn as the full read does',
    async (maxTurns) => {
      const turns = Array.from({ length: STORED }, (_, index) => storedTurn(index));
      const full = countingStore(turns, false);
      const recent = countingStore(turns, true);
      const fullStarted = await sendOn(full.store, { maxTurns });
      const recentStarted = await sendOn(recent.store, { maxTurns });
      expect(recent.read.loads).toBe(0);
      expect(recent.read.rows).toBeLessThanOrEqual(Math.max(maxTurns, 1));
      // The same run: its id, window, holder and keyless mark, and the same stored turn.
      expect(recentStarted).toEqual(fullStarted);
      expect(recentStarted[0]?.runId).toBe(`s:turn-${STORED}`);
      expect(recentStarted[0]?.holder).toBe('billing');
      expect(withoutTime(recent.appended[0])).toEqual(withoutTime(full.appended[0]));
    },
  );

  it('reads further back for the spend when the window holds none (turns of an older writer)', async () => {
    // The newest 30 turns carry no sessionSpend (an older version wrote them): the stored turn's
    // spend goes on from turn 4969's, as the full read finds it.
    const turns = Array.from({ length: STORED }, (_, index) => {
      const turn = storedTurn(index) as ChatTurn & { sessionSpend?: unknown };
      if (index >= STORED - 30) delete turn.sessionSpend;
      return turn;
    });
    const full = countingStore(turns, false);
    const recent = countingStore(turns, true);
    expect(await sendOn(recent.store, { maxTurns: 10 })).toEqual(
      await sendOn(full.store, { maxTurns: 10 }),
    );
    expect(recent.appended[0]?.sessionSpend).toBeDefined();
    expect(withoutTime(recent.appended[0])).toEqual(withoutTime(full.appended[0]));
    expect(recent.read.loads).toBe(0);
    expect(recent.read.rows).toBeLessThan(200);
  });

  it('a store without loadRecent (a third party’s) still gets the full read', async () => {
    const turns = Array.from({ length: 20 }, (_, index) => storedTurn(index));
    const full = countingStore(turns, false);
    const started = await sendOn(full.store, { maxTurns: 3 });
    expect(full.read.loads).toBe(1);
    expect(started[0]?.runId).toBe('s:turn-20');
  });
});

describe('createPostgresHistoryStore: a durable turn on 5,000 stored turns', () => {
  let databaseUrl: string;
  let admin: pg.Pool;
  beforeAll(async () => {
    databaseUrl = await freshDatabase('recent');
    admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });
  afterAll(() => admin.end());

  /** A pool that counts the rows its queries return. */
  function countingPool() {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const counted = { rows: 0, statements: 0 };
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
    (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
      const result = await query(...args);
      counted.statements++;
      counted.rows += result.rows?.length ?? 0;
      return result;
    };
    return { pool, counted };
  }

  /** Session `id` holding turns 0..4999 as the store writes them (one append, then copies). */
  async function fill(table: string, id: string): Promise<void> {
    const store = createPostgresHistoryStore({ connectionString: databaseUrl, table });
    await store.append(id, storedTurn(0));
    await admin.query(
      `INSERT INTO ${table} (session_id, turn_index, turn, turn_text, cost, interaction_id)
       SELECT session_id, i, jsonb_set(jsonb_set(turn, '{contents,0,parts,0,text}', to_jsonb('q' || i)),
                '{contents,1,parts,0,text}', to_jsonb('a' || i)), turn_text, cost, interaction_id
       FROM ${table}, generate_series(1, ${STORED - 1}) AS i WHERE session_id = $1`,
      [id],
    );
    await store.close();
  }

  it('reads rows bounded by the window (limit: 10), with the run id and window the full read gives', async () => {
    const table = 'recent_turns';
    await fill(table, 'bot');
    const { pool, counted } = countingPool();
    const store = createPostgresHistoryStore({ pool, table });
    const before = { ...counted };
    const { runs, started } = fakeRuns();
    await sendDurableChatTurn({
      runs,
      store,
      sessionId: 'bot',
      agent: 'a',
      message: 'hi',
      model: 'gemini-3-flash-preview',
      limit: { maxTurns: 10 },
    });
    const rows = counted.rows - before.rows;
    // The window's 10 rows and one of the primary key (where the session's turns start); the
    // full read returned 5,000. Statements: those two reads and the append.
    expect(rows).toBeLessThanOrEqual(12);
    expect(counted.statements - before.statements).toBeLessThanOrEqual(4);
    expect(started[0]?.runId).toBe(`bot:turn-${STORED}`);
    // The full read's run on the same turns (its own session id: the run id compared above).
    const fullRun = await sendOn(
      {
        table,
        load: () => store.load('bot').then((turns) => turns.slice(0, STORED)),
        append: async () => {},
      } as unknown as PostgresHistoryStore,
      { maxTurns: 10 },
    );
    expect({ ...started[0], runId: '' }).toEqual({ ...fullRun[0], runId: '' });
    // The turn went in after the last one.
    const { rows: last } = await admin.query(
      `SELECT max(turn_index) AS last, count(*)::int AS count FROM ${table} WHERE session_id = 'bot'`,
    );
    expect(last[0]).toEqual({ last: STORED, count: STORED + 1 });
    await pool.end();
  });

  it('reads pages bounded by the window with limit: { maxTokens }, the window the full read gives', async () => {
    const table = 'recent_tokens';
    await fill(table, 'bot');
    const { pool, counted } = countingPool();
    const store = createPostgresHistoryStore({ pool, table });
    const full = await sendOn(
      {
        table,
        load: () => store.load('bot'),
        append: async () => {},
      } as unknown as PostgresHistoryStore,
      { maxTokens: 60 },
    );
    const before = counted.rows;
    const { runs, started } = fakeRuns();
    await sendDurableChatTurn({
      runs,
      store,
      sessionId: 'bot',
      agent: 'a',
      message: 'hi',
      model: 'gemini-3-flash-preview',
      limit: { maxTokens: 60 },
    });
    // One page of 32 rows (their tokens pass 60) and the primary key's first row.
    expect(counted.rows - before).toBeLessThanOrEqual(33);
    expect({ ...started[0], runId: '' }).toEqual({ ...full[0], runId: '' });
    expect(started[0]?.runId).toBe(`bot:turn-${STORED}`);
    expect(started[0]?.history).not.toEqual([]);
    await pool.end();
  });

  it('numbers the turn as the full read does when the stored turns do not start at 0', async () => {
    // A process that loaded before a clear() appends after it (clear is not fenced): the rows
    // then start past 0, and the full read counts them, not their indexes.
    const table = 'recent_gap';
    await fill(table, 'bot');
    await admin.query(`DELETE FROM ${table} WHERE turn_index < 100`);
    const store = createPostgresHistoryStore({ connectionString: databaseUrl, table });
    const { runs, started } = fakeRuns();
    await sendDurableChatTurn({
      runs,
      store,
      sessionId: 'bot',
      agent: 'a',
      message: 'hi',
      limit: { maxTurns: 10 },
    });
    expect(started[0]?.runId).toBe(`bot:turn-${STORED - 100}`);
    await store.close();
  });
});
