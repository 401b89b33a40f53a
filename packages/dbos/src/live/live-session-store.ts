import { type LivePendingCall, nextIdlessKey } from '@gemloop/core/live';
import type pg from 'pg';
import { inTransaction } from '../postgres/in-transaction.ts';

/** The durable live sessions: one row each, with the last resumption handle the server sent. */
export const LIVE_SESSIONS_TABLE = 'gemloop.live_sessions';
/**
 * Their background calls: `in_handle` once a stored handle's state holds the call (the resumed
 * server waits for its answer), `state` `held` once a stored handle holds its answer too,
 * `cancelled` after `toolCallCancellation`; `idless` when the server sent the call without an id
 * (`call_id` is then the session's local key, and the answer goes without an id).
 */
export const LIVE_CALLS_TABLE = 'gemloop.live_calls';

/** Creates the live tables once for the fleet (an advisory lock, as the other tables). @internal */
export async function migrateLiveSessions(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${LIVE_SESSIONS_TABLE} (
         session_id text PRIMARY KEY, agent text NOT NULL, handle text,
         updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${LIVE_CALLS_TABLE} (
         session_id text NOT NULL, call_id text NOT NULL, tool_name text NOT NULL,
         args jsonb NOT NULL, in_handle boolean NOT NULL DEFAULT false,
         state text NOT NULL DEFAULT 'running', created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (session_id, call_id))`,
    );
    // Added after the table (worker schema 5): a row from before reads as a call with an id.
    await client.query(
      `ALTER TABLE ${LIVE_CALLS_TABLE} ADD COLUMN IF NOT EXISTS idless boolean NOT NULL DEFAULT false`,
    );
  });
}

/** What a durable live session finds in Postgres when it opens. @internal */
export type StoredLiveSession = {
  /** The agent the session was opened with (`undefined`: a new session). */
  agent: string | undefined;
  /** The last handle stored; `undefined` before the first. */
  handle: string | undefined;
  /** Background calls the stored handle's state waits for and no stored handle holds the answer of. */
  owed: LivePendingCall[];
  /**
   * Where the session's next process starts its id-less calls' keys: past every key a call of
   * the session was recorded with (core's `idlessKeyStart`).
   */
  idlessKeyStart: number;
};

/** Reads a session's stored state, creating its row for `agent` when it has none. @internal */
export async function openStoredLiveSession(
  pool: pg.Pool,
  sessionId: string,
  agent: string,
): Promise<StoredLiveSession> {
  return inTransaction(pool, async (client) => {
    const existing = await client.query<{ agent: string; handle: string | null }>(
      `SELECT agent, handle FROM ${LIVE_SESSIONS_TABLE} WHERE session_id = $1 FOR UPDATE`,
      [sessionId],
    );
    const row = existing.rows[0];
    if (row === undefined) {
      await client.query(
        `INSERT INTO ${LIVE_SESSIONS_TABLE} (session_id, agent) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [sessionId, agent],
      );
      return { agent: undefined, handle: undefined, owed: [], idlessKeyStart: 0 };
    }
    const calls = await client.query<{
      call_id: string;
      tool_name: string;
      args: unknown;
      idless: boolean;
      owed: boolean;
    }>(
      // The arguments of owed calls only: the others are read for their keys.
      `SELECT call_id, tool_name, idless, in_handle AND state = 'running' AS owed,
              CASE WHEN in_handle AND state = 'running' THEN args END AS args
         FROM ${LIVE_CALLS_TABLE} WHERE session_id = $1 ORDER BY created_at, call_id`,
      [sessionId],
    );
    return {
      agent: row.agent,
      handle: row.handle ?? undefined,
      owed: calls.rows
        .filter((call) => call.owed)
        .map((call) => ({
          id: call.call_id,
          name: call.tool_name,
          args:
            typeof call.args === 'object' && call.args !== null && !Array.isArray(call.args)
              ? (call.args as Record<string, unknown>)
              : {},
          ...(call.idless ? { idless: true } : {}),
        })),
      // Every call's key, answered and cancelled ones too: a workflow is keyed by each.
      idlessKeyStart: nextIdlessKey(calls.rows.map((call) => call.call_id)),
    };
  });
}

/**
 * Records a background call the server made (again: nothing changes), with whether it came
 * without an id. @internal
 */
export async function recordLiveCall(
  pool: pg.Pool,
  sessionId: string,
  call: LivePendingCall,
): Promise<void> {
  await pool.query(
    `INSERT INTO ${LIVE_CALLS_TABLE} (session_id, call_id, tool_name, args, idless)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [sessionId, call.id, call.name, JSON.stringify(call.args), call.idless === true],
  );
}

/** Marks a call the server cancelled: nothing is owed for it. @internal */
export async function cancelLiveCall(
  pool: pg.Pool,
  sessionId: string,
  callId: string,
): Promise<void> {
  await pool.query(
    `UPDATE ${LIVE_CALLS_TABLE} SET state = 'cancelled' WHERE session_id = $1 AND call_id = $2`,
    [sessionId, callId],
  );
}

/**
 * Stores a new handle and, in the same transaction, what its state holds: every call recorded
 * so far (the server made them before it sent the handle) and the answers of `heldCallIds`. A
 * crash before this commits leaves the older handle and its owed calls: a resumed session
 * answers them again, which the older state waits for. @internal
 */
export async function storeLiveHandle(
  pool: pg.Pool,
  sessionId: string,
  update: { handle: string; heldCallIds: readonly string[] },
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `UPDATE ${LIVE_SESSIONS_TABLE} SET handle = $2, updated_at = now() WHERE session_id = $1`,
      [sessionId, update.handle],
    );
    await client.query(
      `UPDATE ${LIVE_CALLS_TABLE} SET in_handle = true WHERE session_id = $1 AND NOT in_handle`,
      [sessionId],
    );
    if (update.heldCallIds.length > 0) {
      await client.query(
        `UPDATE ${LIVE_CALLS_TABLE} SET state = 'held'
          WHERE session_id = $1 AND call_id = ANY($2::text[]) AND state = 'running'`,
        [sessionId, [...update.heldCallIds]],
      );
    }
  });
}
