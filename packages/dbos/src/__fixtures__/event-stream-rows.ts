import type pg from 'pg';

/**
 * Writes `entries` as the event stream of the workflow `runId` (offsets 0, 1, ...), each as DBOS's
 * portable JSON, the way a worker's steps write them: for tests of readers, without a worker.
 */
export async function writeEventEntries(
  pool: pg.Pool,
  runId: string,
  entries: readonly unknown[],
): Promise<void> {
  for (const [offset, value] of entries.entries()) {
    await pool.query(
      `INSERT INTO dbos.streams (workflow_uuid, key, value, "offset", function_id, serialization)
       VALUES ($1, 'gemloop.events', $2, $3, 1, 'portable_json')`,
      [runId, JSON.stringify(value), offset],
    );
  }
}
