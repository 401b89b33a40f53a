import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';

/**
 * Stops a run's workflow as `DBOSClient.cancelWorkflow` does (the same row update, DBOS's
 * `#cancelWorkflows`, `dist/src/system_database.js` 5.3), but only while `ownerXid` still owns
 * it: a run pauses or parks itself through this, and an execution that froze before its stop,
 * while another worker took the run over, cancelled the taker's run when it thawed (DBOS's
 * cancel checks no owner). One statement, so no hand-off lands between the check and the
 * update. Throws DBOS's `DBOSWorkflowConflictError` when the run is not that execution's (taken
 * over, cancelled by DBOS's own cancel meanwhile, which clears its owner, or ended), as DBOS's
 * own fenced writes do. `ownerXid` undefined (no execution of the run calls it): no owner check,
 * as DBOS's `currentOwnerXid` means by it.
 * @internal
 */
export async function stopOwnedRun(
  pool: pg.Pool,
  runId: string,
  ownerXid: string | undefined,
): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE "dbos".workflow_status
        SET status = 'CANCELLED', owner_xid = NULL, queue_name = NULL, deduplication_id = NULL,
            started_at_epoch_ms = NULL,
            updated_at = (EXTRACT(EPOCH FROM now()) * 1000)::bigint,
            completed_at = (EXTRACT(EPOCH FROM now()) * 1000)::bigint
      WHERE workflow_uuid = $1 AND status NOT IN ('SUCCESS', 'ERROR')
        AND ($2::text IS NULL OR owner_xid = $2)`,
    [runId, ownerXid ?? null],
  );
  if (rowCount === 0 && ownerXid !== undefined) {
    throw new DBOSErrors.DBOSWorkflowConflictError(runId);
  }
}
