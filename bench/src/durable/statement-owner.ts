/**
 * Who makes a Postgres statement run, by its text as pg_stat_statements keeps it (constants shown
 * as parameters: `SELECT $3`, `consumed = $4`). Shared by the durable benches, so their
 * statements-per-step-by-owner figures mean the same thing.
 */
export type StatementOwner =
  | 'gemloop: ownership fence'
  | 'gemloop: steer check'
  | 'gemloop: rate limiter'
  | 'gemloop: worker background (clock-driven)'
  | 'gemloop: events (DBOS writeStream)'
  | 'gemloop: events stored (asked on a replay)'
  | 'gemloop: other (gemloop schema)'
  | 'DBOS'
  | 'transaction control'
  | 'bench';

/**
 * Owner of a statement, by its text. `assertStillOwnsWorkflow` (DBOS's datasource helper, the
 * one `SELECT owner_xid` without `FOR NO KEY UPDATE`) is gemloop's ownership fence before a model
 * request or a tool; the stream writes are gemloop's event batches, written by DBOS's
 * `writeStream` (each also takes a transaction and DBOS's owner check, counted under DBOS and
 * transaction control, and DBOS's batched `pg_notify` wakes the readers).
 */
export function ownerOf(query: string): StatementOwner {
  const text = query.trim();
  if (/pg_stat_|pg_current_wal_lsn|pg_stat_activity|pg_database/.test(text)) return 'bench';
  if (/^SELECT owner_xid FROM "dbos"\.workflow_status WHERE workflow_uuid = \$1$/.test(text))
    return 'gemloop: ownership fence';
  if (/^SELECT EXISTS \(SELECT \S+ FROM "dbos"\.notifications/.test(text))
    return 'gemloop: steer check';
  if (/gemloop\.rate_limit|rate_limit_slots/.test(text)) return 'gemloop: rate limiter';
  // The worker's timers, however many steps ran: its heartbeat every `heartbeatMs`
  // (worker-liveness.ts) and its sweep of timed-out approvals and due interaction waits every
  // `approvalSweepMs` (start-approval-sweep.ts). Their share of a step grows as steps slow down,
  // so they are told apart from the statements a step makes.
  if (
    /INSERT INTO gemloop\.workers|^UPDATE gemloop\.approvals AS a SET paused = |^UPDATE gemloop\.interaction_waits w SET state = /.test(
      text,
    )
  )
    return 'gemloop: worker background (clock-driven)';
  if (/INSERT INTO "dbos"\.streams|pg_notify\(\$1, p\)/.test(text))
    return 'gemloop: events (DBOS writeStream)';
  // How many events a run's stream holds, asked by an execution that replayed a model's answer
  // (a resumed or taken-over run; `storedEventCount`, @gemloop/dbos): none in a fresh run.
  if (/json_array_length\([\s\S]*FROM "dbos"\.streams/.test(text))
    return 'gemloop: events stored (asked on a replay)';
  if (/\bgemloop\./.test(text)) return 'gemloop: other (gemloop schema)';
  if (/^(BEGIN|COMMIT|ROLLBACK|SET|SAVEPOINT|RELEASE)/i.test(text)) return 'transaction control';
  return 'DBOS';
}
