// The Postgres chat store's own contract, without an agent: where a turn goes after a conflict,
// a clear or no load at all, which tables it takes, a layout newer than it knows, and Postgres
// out of reach (typed, password redacted).

import { InvalidArgumentError } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import { ChatStoreError } from '@gemloop/core/errors';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { PostgresUnreachableError } from '../errors/postgres-unreachable-error.ts';
import { createPostgresHistoryStore, isChatSessionConflict } from '../index.ts';
import { historyReferenceOf } from './history-reference.ts';
import { resolveHistoryReference } from './resolve-history-reference.ts';

const turnOf = (text: string): ChatTurn => ({ contents: [{ role: 'user', parts: [{ text }] }] });
const textsOf = (turns: ChatTurn[]): string[] =>
  turns.map((turn) => {
    const part = turn.contents[0]?.parts?.[0];
    return part !== undefined && 'text' in part ? String(part.text) : '';
  });
const noContext = { logger: undefined as never };

let databaseUrl: string;
let pool: pg.Pool;
beforeAll(async () => {
  databaseUrl = await freshDatabase('chatedges');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

describe('createPostgresHistoryStore at its edges', () => {
  it('after a conflict, the next append goes after the other writer’s turns, not over them', async () => {
    const mine = createPostgresHistoryStore({ pool });
    const theirs = createPostgresHistoryStore({ pool });
    await mine.append('s1', turnOf('t0'), noContext);
    await mine.load('s1');
    await theirs.load('s1');
    await theirs.append('s1', turnOf('theirs'), noContext);
    const conflict = await mine
      .append('s1', turnOf('mine'), noContext)
      .catch((error: unknown) => error);
    expect(isChatSessionConflict(conflict)).toBe(true);
    expect(conflict).toMatchObject({ sessionId: 's1', expectedTurn: 1 });
    // The stale count is forgotten: sent again, the turn goes at the end.
    await mine.append('s1', turnOf('mine'), noContext);
    expect(textsOf(await theirs.load('s1'))).toEqual(['t0', 'theirs', 'mine']);
  });

  it('many appends without a load, at once, from several stores: each saved once, none refused', async () => {
    const stores = Array.from({ length: 4 }, () => createPostgresHistoryStore({ pool }));
    const texts = Array.from({ length: 12 }, (_, index) => `log-${index}`);
    const results = await Promise.allSettled(
      texts.map((text, index) =>
        (stores[index % stores.length] as (typeof stores)[number]).append(
          'log',
          turnOf(text),
          noContext,
        ),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(textsOf(await createPostgresHistoryStore({ pool }).load('log')).sort()).toEqual(
      [...texts].sort(),
    );
  });

  it('clears a session: empty after, and the next turn is turn 0 again', async () => {
    const store = createPostgresHistoryStore({ pool });
    await store.append('s2', turnOf('a'), noContext);
    await store.append('s2', turnOf('b'), noContext);
    await store.load('s2');
    await store.clear('s2', noContext);
    expect(await store.load('s2')).toEqual([]);
    await store.append('s2', turnOf('c'), noContext);
    const { rows } = await pool.query(
      'SELECT turn_index FROM gemloop_chat_turns WHERE session_id = $1',
      ['s2'],
    );
    expect(rows).toEqual([{ turn_index: 0 }]);
    // Other sessions are untouched by the clear.
    expect(textsOf(await store.load('s1'))).toEqual(['t0', 'theirs', 'mine']);
  });

  it('keeps each table apart, schema-qualified ones included', async () => {
    await pool.query('CREATE SCHEMA IF NOT EXISTS support');
    const plain = createPostgresHistoryStore({ pool, table: 'sales_turns' });
    const qualified = createPostgresHistoryStore({ pool, table: 'support.turns' });
    await plain.append('same-id', turnOf('sales'), noContext);
    await qualified.append('same-id', turnOf('support'), noContext);
    expect(textsOf(await plain.load('same-id'))).toEqual(['sales']);
    expect(textsOf(await qualified.load('same-id'))).toEqual(['support']);
  });

  it('refuses a table name that is not a plain identifier, before any statement', () => {
    for (const table of ['bad-name', 'a.b.c', 'turns; DROP TABLE x', '"quoted"', '1turns', '']) {
      expect(() => createPostgresHistoryStore({ pool, table })).toThrow(
        /must be a plain identifier, optionally schema-qualified/,
      );
    }
    expect(() => createPostgresHistoryStore({} as never)).toThrow(/give a pg `pool` or a/);
    expect(() => createPostgresHistoryStore({ pool: {} as never })).toThrow(
      /pool must be a pg Pool/,
    );
  });

  it('refuses a table whose layout is newer than this version knows, saying to upgrade', async () => {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS gemloop_schema_versions (name text PRIMARY KEY, version integer NOT NULL)`,
    );
    await pool.query(
      `INSERT INTO gemloop_schema_versions VALUES ('chat:future_turns', 99) ON CONFLICT (name) DO UPDATE SET version = 99`,
    );
    const store = createPostgresHistoryStore({ pool, table: 'future_turns' });
    await expect(store.load('x')).rejects.toThrow(
      'The chat table future_turns is at layout version 99, newer than this @gemloop/dbos knows (3): upgrade the package.',
    );
  });

  it('migrates a version-1 table to the latest layout once: old rows read as cost unknown, new ones keep cost and interaction id', async () => {
    // A table as @gemloop/dbos wrote it before (layout 1: the turn's JSON, cost inside, unchecked).
    await pool.query(
      `CREATE TABLE IF NOT EXISTS gemloop_schema_versions (name text PRIMARY KEY, version integer NOT NULL)`,
    );
    await pool.query(
      `CREATE TABLE old_turns (session_id text NOT NULL, turn_index integer NOT NULL, turn jsonb NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (session_id, turn_index))`,
    );
    await pool.query(`INSERT INTO gemloop_schema_versions VALUES ('chat:old_turns', 1)`);
    const oldTurn = {
      ...turnOf('old'),
      model: 'gemini-3-flash-preview',
      cost: { currency: 'USD', total: '999' },
    };
    await pool.query(`INSERT INTO old_turns (session_id, turn_index, turn) VALUES ('m', 0, $1)`, [
      JSON.stringify(oldTurn),
    ]);

    const cost = {
      currency: 'USD' as const,
      total: '0.0325',
      input: '0.03',
      cachedInput: '0',
      output: '0.0025',
      thinking: '0',
    };
    const store = createPostgresHistoryStore({ pool, table: 'old_turns' });
    const [old] = await store.load('m');
    // The old row: its turn as it was, of unknown cost (no `cost` key), and no interaction id.
    expect(old).toEqual({ ...turnOf('old'), model: 'gemini-3-flash-preview' });
    await store.append('m', { ...turnOf('new'), cost, interactionId: 'v1_abc-123.x~y' }, noContext);
    await store.append('m', turnOf('plain'), noContext);
    // A second store migrates again: nothing to do, the version stays the latest (3).
    const again = createPostgresHistoryStore({ pool, table: 'old_turns' });
    const turns = await again.load('m');
    expect(turns[1]).toEqual({ ...turnOf('new'), cost, interactionId: 'v1_abc-123.x~y' });
    expect(turns[2]).toEqual(turnOf('plain'));
    const { rows } = await pool.query(
      `SELECT version FROM gemloop_schema_versions WHERE name = 'chat:old_turns'`,
    );
    expect(rows).toEqual([{ version: 3 }]);
    // The columns hold them (the turn's JSON does not), so SQL can sum a session's cost.
    const sum = await pool.query(
      `SELECT turn ? 'cost' AS in_json, cost->>'total' AS total, interaction_id FROM old_turns WHERE turn_index = 1`,
    );
    expect(sum.rows).toEqual([
      { in_json: false, total: '0.0325', interaction_id: 'v1_abc-123.x~y' },
    ]);
  });

  it('keeps turns jsonb cannot hold (a NUL, a lone surrogate) exactly, and the others as jsonb', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'unicode_turns' });
    const nul: ChatTurn = {
      contents: [
        { role: 'user', parts: [{ text: 'pasted\u0000binary' }] },
        {
          role: 'model',
          parts: [
            { text: 'ok', thoughtSignature: 'sig\u0000' },
            { functionCall: { name: 'f', args: { 'key\u0000': 'v' } } },
          ],
        },
      ],
      model: 'gemini-3-flash-preview',
    };
    const lone: ChatTurn = {
      ...turnOf('half an emoji \ud83d and a low \ude00 end'),
      interactionId: 'v1_abc',
    };
    // A backslash before "u0000" is text, not an escape: jsonb holds it.
    const escaped = turnOf('C:\\u0000 and \\ud83d');
    const unescaped = turnOf('\\\u0000');
    await store.append('u', nul, noContext);
    await store.load('u');
    await store.append('u', lone, noContext);
    await store.append('u', escaped, noContext);
    await store.append('u', unescaped, noContext);
    expect(await createPostgresHistoryStore({ pool, table: 'unicode_turns' }).load('u')).toEqual([
      nul,
      lone,
      escaped,
      unescaped,
    ]);
    // Only the turns jsonb cannot hold are text; the others stay jsonb, readable in SQL.
    const { rows } = await pool.query(
      `SELECT turn_index, turn IS NULL AS text_only, turn_text IS NULL AS jsonb_only FROM unicode_turns ORDER BY turn_index`,
    );
    expect(rows).toEqual([
      { turn_index: 0, text_only: true, jsonb_only: false },
      { turn_index: 1, text_only: true, jsonb_only: false },
      { turn_index: 2, text_only: false, jsonb_only: true },
      { turn_index: 3, text_only: true, jsonb_only: false },
    ]);
  });

  it('upgrades a version-2 table in place: its rows stay, a NUL turn is kept after', async () => {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS gemloop_schema_versions (name text PRIMARY KEY, version integer NOT NULL)`,
    );
    await pool.query(
      `CREATE TABLE v2_turns (session_id text NOT NULL, turn_index integer NOT NULL, turn jsonb NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), cost jsonb, interaction_id text,
       PRIMARY KEY (session_id, turn_index))`,
    );
    await pool.query(`INSERT INTO gemloop_schema_versions VALUES ('chat:v2_turns', 2)`);
    await pool.query(`INSERT INTO v2_turns (session_id, turn_index, turn) VALUES ('v', 0, $1)`, [
      JSON.stringify(turnOf('before')),
    ]);
    const store = createPostgresHistoryStore({ pool, table: 'v2_turns' });
    await store.append('v', turnOf('nul \u0000 after'), noContext);
    expect(await store.load('v')).toEqual([turnOf('before'), turnOf('nul \u0000 after')]);
    const { rows } = await pool.query(
      `SELECT version FROM gemloop_schema_versions WHERE name = 'chat:v2_turns'`,
    );
    expect(rows).toEqual([{ version: 3 }]);
  });

  it('refuses a row whose turn_text is not JSON (a hand edit), typed and naming the row', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'edited_text_turns' });
    await store.append('e', turnOf('\u0000'), noContext);
    await pool.query(`UPDATE edited_text_turns SET turn_text = '{not json' WHERE session_id = 'e'`);
    const error = await store.load('e').catch((caught: unknown) => caught);
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'Turn 0 of chat session "e" in table edited_text_turns is not a turn',
    );
  });

  it('refuses a session id with a NUL or over 1024 bytes, typed and naming it, before any statement', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'refused_ids' });
    for (const id of ['user\0-42', 'é'.repeat(513), '']) {
      for (const call of [
        () => store.load(id),
        () => store.append(id, turnOf('t'), noContext),
        () => store.clear(id),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ argument: 'id' });
        expect((error as Error).message).toContain(
          'a chat session id is a non-empty string of at most 1024 UTF-8 bytes without NUL characters',
        );
      }
    }
    // Nothing was sent: not even the table was created.
    const { rows } = await pool.query(`SELECT to_regclass('refused_ids') AS table`);
    expect(rows).toEqual([{ table: null }]);
    await store.append('é'.repeat(512), turnOf('longest'), noContext);
    expect(await store.load('é'.repeat(512))).toEqual([turnOf('longest')]);
  });

  it('refuses a session id with a lone surrogate, which UTF-8 sends as its U+FFFD twin: another session’s rows (attack44b)', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'twin_ids' });
    await store.append('x\uFFFD', turnOf('the other user’s secret'), noContext);
    for (const id of ['x\uD800', 'x\uDC00', '\uDBFFx']) {
      for (const call of [
        () => store.load(id),
        () => store.append(id, turnOf('t'), noContext),
        () => store.clear(id),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ argument: 'id' });
        expect((error as Error).message).toContain('lone surrogates');
      }
    }
    expect(textsOf(await store.load('x\uFFFD'))).toEqual(['the other user’s secret']);
    // A whole pair (an emoji) is well-formed text.
    await store.append('x😀', turnOf('mine'), noContext);
    expect(textsOf(await store.load('x😀'))).toEqual(['mine']);
  });

  it('reads a hostile cost or interaction id in a row as absent, never as a wrong number or id', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'hostile_turns' });
    await store.append('h', turnOf('t'), noContext);
    await pool.query(
      `UPDATE hostile_turns SET cost = $1::jsonb, interaction_id = $2 WHERE session_id = 'h'`,
      [
        JSON.stringify({
          currency: 'USD',
          total: '1e99',
          input: '0',
          cachedInput: '0',
          output: '0',
          thinking: '0',
        }),
        '../../etc/passwd',
      ],
    );
    expect(await store.load('h')).toEqual([turnOf('t')]);
    await pool.query(`UPDATE hostile_turns SET interaction_id = $1 WHERE session_id = 'h'`, [
      'x'.repeat(513),
    ]);
    expect(await store.load('h')).toEqual([turnOf('t')]);
  });

  it('reads a hand-edited model, agent, token count or time of the wrong type as absent, as the file store does', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'typed_turns' });
    await store.append('f', turnOf('t'), noContext);
    await pool.query(`UPDATE typed_turns SET turn = turn || $1::jsonb WHERE session_id = 'f'`, [
      JSON.stringify({ model: 7, agent: 5, tokenCount: 'many', createdAt: 'today' }),
    ]);
    expect(await store.load('f')).toEqual([turnOf('t')]);
    // An empty or overlong agent name is no agent either: the session's own agent holds the
    // conversation, and its next turn does not carry the name on.
    for (const agent of ['', 'a'.repeat(129)]) {
      await pool.query(`UPDATE typed_turns SET turn = turn || $1::jsonb WHERE session_id = 'f'`, [
        JSON.stringify({ agent, model: '' }),
      ]);
      expect(await store.load('f')).toEqual([turnOf('t')]);
    }
    // Well-typed fields stay.
    const kept = { model: 'gemini-3-flash-preview', agent: 'billing', tokenCount: 3, createdAt: 9 };
    await pool.query(`UPDATE typed_turns SET turn = turn || $1::jsonb WHERE session_id = 'f'`, [
      JSON.stringify(kept),
    ]);
    expect(await store.load('f')).toEqual([{ ...turnOf('t'), ...kept }]);
  });

  it('refuses a row whose turn is not a turn (a hand edit, another writer), typed and naming the row', async () => {
    const store = createPostgresHistoryStore({ pool, table: 'edited_turns' });
    await store.append('e', turnOf('t'), noContext);
    for (const turn of [
      'null',
      '"text"',
      '[1, 2]',
      '{"contents": 5}',
      '{"contents": [null]}',
      '{}',
    ]) {
      await pool.query(`UPDATE edited_turns SET turn = $1::jsonb WHERE session_id = 'e'`, [turn]);
      const error = await store.load('e').catch((caught: unknown) => caught);
      expect(ChatStoreError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ operation: 'load', sessionId: 'e' });
      expect((error as Error).message).toContain(
        'Turn 0 of chat session "e" in table edited_turns is not a turn',
      );
    }
  });

  it('fails typed, with the password redacted, when Postgres is out of reach', async () => {
    // Port 1 on loopback: refused at once.
    const store = createPostgresHistoryStore({
      connectionString: 'postgres://chat:Chat-Secret-9@127.0.0.1:1/chat',
    });
    try {
      const error = await store.load('x').catch((caught: unknown) => caught);
      expect(PostgresUnreachableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'ECONNREFUSED', host: '127.0.0.1', port: 1 });
      expect((error as Error).message).toContain('the chat history table gemloop_chat_turns');
      expect(JSON.stringify(error)).not.toContain('Chat-Secret-9');
      expect((error as Error).message).not.toContain('Chat-Secret-9');
      // Not kept: the next call tries again (and fails the same way, not with a stale promise).
      const again = await store.load('x').catch((caught: unknown) => caught);
      expect(PostgresUnreachableError.isInstance(again)).toBe(true);
      expect(again).not.toBe(error);
    } finally {
      await store.close();
    }
  });

  it('is an InvalidArgumentError for a missing pool and connection string', () => {
    let error: unknown;
    try {
      createPostgresHistoryStore({ connectionString: undefined } as never);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
  });
});

describe('a history by reference read from a table that is not what the run input says (attack57b)', () => {
  // A run's input may name any table and any count (`runs.start` takes it from the caller):
  // each of these failed the run with Postgres's own bare error, naming no session.
  it('refuses a count past the store’s integer index, and a table without its columns, typed and naming the session', async () => {
    const store = createPostgresHistoryStore({ pool });
    const stored = turnOf('Where is order 7?');
    await store.append('ref-1', stored, noContext);
    const reference = historyReferenceOf('gemloop_chat_turns', 'ref-1', [stored], undefined);
    expect(await resolveHistoryReference(pool, reference, 'run-1')).toEqual(stored.contents);

    const huge = await resolveHistoryReference(pool, {
      from: { ...reference.from, turns: 2 ** 31 },
    }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(huge)).toBe(true);
    expect(huge).toMatchObject({ argument: 'history' });
    expect((huge as Error).message).toContain('from 1 to 2147483647');

    await pool.query('CREATE TABLE not_a_store (session_id text, note text)');
    const failures = await Promise.all(
      ['not_a_store', 'pg_catalog.pg_class'].map((table) =>
        resolveHistoryReference(pool, { from: { ...reference.from, table } }, 'run-1').catch(
          (caught: unknown) => caught,
        ),
      ),
    );
    for (const [index, table] of ['not_a_store', 'pg_catalog.pg_class'].entries()) {
      const error = failures[index];
      expect(ChatStoreError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ operation: 'load', sessionId: 'ref-1' });
      expect((error as Error).message).toContain(`Table ${table} is not a chat store's table`);
      expect((error as Error).message).not.toMatch(/SELECT|turn_index/);
    }
  });
});
