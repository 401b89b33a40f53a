/**
 * A prototype, for the durable bench only: DBOS's step checkpoint in 2 Postgres round trips
 * instead of 7, to measure what the per-step cost would be if DBOS merged its own queries.
 *
 * DBOS 5.3 spends 7 round trips on each `DBOS.runStep` (see the bench's "by statement" output):
 * a cancellation check (`SELECT status`), then, on another checkout, the same check again and the
 * read of a recorded output, then `BEGIN`, the ownership check (`SELECT owner_xid ... FOR NO KEY
 * UPDATE`), the `INSERT` of the output and `COMMIT`. The same guarantees fit in 2 statements:
 *
 * 1. one read of the workflow's status joined with the step's recorded output (cancelled → throw;
 *    recorded → the record), which makes the separate check before it redundant;
 * 2. one autocommitted statement that locks the workflow's row, checks the owner and inserts the
 *    output only if it still owns the run (a CTE: the lock holds until the statement commits, as
 *    DBOS's transaction holds it until its `COMMIT`).
 *
 * This patches the one `SystemDatabase` of this process (DBOS internals, through the SDK's
 * `internal/*` exports, and its private schema) and bypasses the retries DBOS wraps around these
 * methods (`dbRetry`, which keep a run alive across a Postgres restart): a measurement of what an
 * upstream change would save, never something to ship. It is switched on and off between runs so
 * the bench measures both in one process, interleaved.
 */
import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { currentOwnerXid, getCurrentContextStore } from '@dbos-inc/dbos-sdk/internal/context';
import { DBOSExecutor } from '@dbos-inc/dbos-sdk/internal/dbos-executor';

type StoredResult = {
  output: string | null;
  error: string | null;
  childWorkflowID: string | null;
  functionName: string;
  serialization: string | null;
};

type SystemDatabase = {
  readonly schemaName: string;
  readonly pool: { query: <R>(text: string, values: unknown[]) => Promise<{ rows: R[] }> };
  appName?: string | undefined;
  checkIfCanceled(workflowID: string): Promise<void>;
  getOperationResultAndThrowIfCancelled(
    workflowID: string,
    functionID: number,
  ): Promise<StoredResult | undefined>;
  recordOperationResult(
    workflowID: string,
    functionID: number,
    functionName: string,
    checkConflict: boolean,
    startTimeEpochMs: number,
    endTimeEpochMs: number,
    options?: {
      output?: string | null;
      error?: string | null;
      childWorkflowID?: string | null;
      serialization?: string | null;
      ownerChecked?: boolean;
    },
  ): Promise<void>;
};

/** Installs the patch (off); `enabled` switches it. */
export function installLeanSteps(): { enabled: boolean } {
  const switchState = { enabled: false };
  const database = (DBOSExecutor.globalInstance as unknown as { systemDatabase: SystemDatabase })
    .systemDatabase;
  const original = {
    checkIfCanceled: database.checkIfCanceled.bind(database),
    getOperationResultAndThrowIfCancelled:
      database.getOperationResultAndThrowIfCancelled.bind(database),
    recordOperationResult: database.recordOperationResult.bind(database),
  };
  const schema = `"${database.schemaName}"`;
  // In a workflow, outside a step: the check before a step's read, which (2.) makes anyway.
  const beforeStep = (workflowID: string): boolean => {
    const context = getCurrentContextStore() as
      | { workflowId?: string; stepStatus?: unknown; inStep?: unknown }
      | undefined;
    return context?.workflowId === workflowID;
  };

  database.checkIfCanceled = (workflowID) =>
    switchState.enabled && beforeStep(workflowID)
      ? Promise.resolve()
      : original.checkIfCanceled(workflowID);

  database.getOperationResultAndThrowIfCancelled = async (workflowID, functionID) => {
    if (!switchState.enabled) {
      return original.getOperationResultAndThrowIfCancelled(workflowID, functionID);
    }
    const { rows } = await database.pool.query<{
      status: string;
      output: string | null;
      error: string | null;
      child_workflow_id: string | null;
      function_name: string | null;
      serialization: string | null;
    }>(
      `SELECT ws.status, oo.output, oo.error, oo.child_workflow_id, oo.function_name, oo.serialization
       FROM ${schema}.workflow_status ws
       LEFT JOIN ${schema}.operation_outputs oo
         ON oo.workflow_uuid = ws.workflow_uuid AND oo.function_id = $2
       WHERE ws.workflow_uuid = $1`,
      [workflowID, functionID],
    );
    const row = rows[0];
    if (row?.status === 'CANCELLED') throw new DBOSErrors.DBOSWorkflowCancelledError(workflowID);
    if (row === undefined || row.function_name === null) return undefined;
    return {
      output: row.output,
      error: row.error,
      childWorkflowID: row.child_workflow_id,
      functionName: row.function_name,
      serialization: row.serialization,
    };
  };

  database.recordOperationResult = async (...args) => {
    const [workflowID, functionID, functionName, checkConflict, startTimeEpochMs, endTimeEpochMs] =
      args;
    const options = args[6] ?? {};
    const ownerXid = options.ownerChecked ? undefined : currentOwnerXid(workflowID);
    if (!switchState.enabled || ownerXid === undefined) {
      return original.recordOperationResult(...args);
    }
    const { rows } = await database.pool.query<{ owned: boolean; completed: string | null }>(
      `WITH owner AS (
         SELECT owner_xid FROM ${schema}.workflow_status WHERE workflow_uuid = $1 FOR NO KEY UPDATE
       ), written AS (
         INSERT INTO ${schema}.operation_outputs
           (workflow_uuid, function_id, output, error, function_name, child_workflow_id,
            started_at_epoch_ms, completed_at_epoch_ms, serialization, application_name, retention_timestamp)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (EXTRACT(EPOCH FROM now()) * 1000)::bigint
         FROM owner WHERE owner.owner_xid = $11
         ON CONFLICT (workflow_uuid, function_id) DO UPDATE
           SET completed_at_epoch_ms = operation_outputs.completed_at_epoch_ms
         RETURNING completed_at_epoch_ms
       )
       SELECT EXISTS (SELECT 1 FROM owner WHERE owner_xid = $11) AS owned,
              (SELECT completed_at_epoch_ms FROM written) AS completed`,
      [
        workflowID,
        functionID,
        options.output ?? null,
        options.error ?? null,
        functionName,
        options.childWorkflowID ?? null,
        startTimeEpochMs,
        endTimeEpochMs,
        options.serialization ?? null,
        database.appName ?? null,
        ownerXid,
      ],
    );
    const row = rows[0];
    if (row?.owned !== true) throw new DBOSErrors.DBOSWorkflowConflictError(workflowID);
    if (checkConflict && row.completed !== null && Number(row.completed) !== endTimeEpochMs) {
      throw new DBOSErrors.DBOSStepNondeterminismError(workflowID, functionID);
    }
  };
  return switchState;
}
