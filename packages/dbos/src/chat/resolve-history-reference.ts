import { historyOfStoredTurns } from '@gemloop/core/internal';
import type pg from 'pg';
import { DurableChatHistoryError } from '../errors/durable-chat-history-error.ts';
import { readLeadingTurns } from './create-postgres-history-store.ts';
import { checkHistoryReference, historyDigest } from './history-reference.ts';

/**
 * The history a {@link HistoryReference} stands for, read through `pool` (on the fleet's database)
 * and checked against its digest: the same on every execution of the run (first, takeover,
 * resume) as long as the session's first turns are the ones it was started with; else a
 * {@link DurableChatHistoryError} (a clear, a rewrite, a table in another database), never another
 * history. Turns appended after the start are not read. @internal
 */
export async function resolveHistoryReference(
  pool: pg.Pool,
  reference: unknown,
  runId?: string,
): Promise<unknown[]> {
  checkHistoryReference(reference);
  const { table, sessionId, turns, digest, model } = reference.from;
  const found = await readLeadingTurns(pool, table, sessionId, turns);
  const failure = { runId, table, sessionId, expectedTurns: turns };
  if (found === undefined || found.length < turns) {
    throw new DurableChatHistoryError({ ...failure, foundTurns: found?.length, changed: false });
  }
  const { history } = historyOfStoredTurns(found, model);
  if (historyDigest(history) !== digest) {
    throw new DurableChatHistoryError({ ...failure, foundTurns: found.length, changed: true });
  }
  return history;
}
