import type pg from 'pg';
import type { DurableRuns } from '../index.ts';

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

/**
 * Starts a run of `helper` (no worker runs it) and makes it one whose event stream holds
 * `entries`, over with `status` and `output` (JSON, or none).
 */
export async function writeStoredRun(
  runs: DurableRuns,
  pool: pg.Pool,
  runId: string,
  entries: readonly unknown[],
  { status = 'SUCCESS', output }: { status?: string; output?: unknown } = {},
): Promise<void> {
  await runs.start('helper', { runId, input: 'hi' });
  await pool.query(
    `UPDATE dbos.workflow_status SET status = $2, output = $3, serialization = 'portable_json' WHERE workflow_uuid = $1`,
    [runId, status, output === undefined ? null : JSON.stringify(output)],
  );
  await writeEventEntries(pool, runId, entries);
}
