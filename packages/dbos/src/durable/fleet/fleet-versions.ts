import type pg from 'pg';
import { MixedFleetError } from '../../errors/mixed-fleet-error.ts';
import { inTransaction } from '../../postgres/in-transaction.ts';
import { DEFAULT_DEAD_AFTER_MS, DEFAULT_HEARTBEAT_MS } from './worker-liveness.ts';
import { gemloopDbosVersion, STORAGE_FORMAT } from './worker-versions.ts';

/** What a worker records of itself beside its heartbeat. @internal */
export type WorkerVersions = {
  applicationVersion: string;
  gemloopVersion: string | undefined;
  storageFormat: number;
};

/**
 * Refuses, with a {@link MixedFleetError}, a worker about to join an application version whose
 * live workers write another storage format; otherwise records this worker's row with its
 * versions, under the same lock, so a worker of another format starting at the same moment sees
 * it (two starts at once: one of them is refused). DBOS hands a run of an application version to
 * any of its workers, and a takeover moves a run between them: an older worker took over a run a
 * newer one started and failed it, untyped, on a record it could not read. A newer worker that
 * finds an older one refuses too: the older one would take its runs.
 *
 * Live: beaten within `deadAfterMs`, not gone (`'epoch'`), its session not ended (see
 * worker-liveness.ts). A worker that is dead already refuses nothing: it takes no run, and its
 * runs move to live workers at the fleet's takeover, which the new format reads (it reads the
 * older formats). A worker from before the columns (NULL) is older; its application version is
 * read from the runs DBOS recorded it ran, and one that ran none is taken for this one's (it
 * would take this one's runs, if it is).
 * @throws {@link MixedFleetError}
 * @internal
 */
export async function checkFleetVersions({
  pool,
  appName,
  executorId,
  applicationVersion,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  deadAfterMs = DEFAULT_DEAD_AFTER_MS,
  storageFormat = STORAGE_FORMAT,
}: {
  pool: pg.Pool;
  appName: string;
  executorId: string;
  applicationVersion: string;
  heartbeatMs?: number | undefined;
  deadAfterMs?: number | undefined;
  /** This worker's format. @defaultValue {@link STORAGE_FORMAT} (a test stands in for another build) */
  storageFormat?: number | undefined;
}): Promise<void> {
  const versions = { applicationVersion, gemloopVersion: gemloopDbosVersion(), storageFormat };
  // A worker whose session ended may still beat again on a new one within two heartbeats.
  const graceMs = Math.min(2 * heartbeatMs, deadAfterMs);
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gemloop.fleet:${appName}`]);
    const { rows } = await client.query<{
      executor_id: string;
      app_version: string | null;
      gemloop_version: string | null;
      storage_format: number | null;
    }>(
      `SELECT w.executor_id, w.gemloop_version, w.storage_format,
         COALESCE(w.app_version, (SELECT s.application_version FROM dbos.workflow_status s
           WHERE s.executor_id = w.executor_id AND s.application_version IS NOT NULL
           ORDER BY s.updated_at DESC LIMIT 1)) AS app_version
       FROM gemloop.workers w
       WHERE w.app = $1 AND w.executor_id <> $2 AND w.storage_format IS DISTINCT FROM $3
         AND w.seen_at <> 'epoch' AND w.seen_at > clock_timestamp() - make_interval(secs => $4)
         AND NOT (w.session_pid IS NOT NULL AND w.session_server = pg_postmaster_start_time()
           AND w.seen_at < clock_timestamp() - make_interval(secs => $5)
           AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = w.session_pid))
       ORDER BY w.executor_id`,
      [appName, executorId, versions.storageFormat, deadAfterMs / 1000, graceMs / 1000],
    );
    const other = rows.find(
      (row) => row.app_version === null || row.app_version === versions.applicationVersion,
    );
    if (other !== undefined) throw mixedFleetError(appName, versions, other);
    await client.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, app_version, gemloop_version, storage_format)
       VALUES ($1, $2, now(), $3, $4, $5)
       ON CONFLICT (app, executor_id) DO UPDATE SET seen_at = now(),
         app_version = EXCLUDED.app_version, gemloop_version = EXCLUDED.gemloop_version,
         storage_format = EXCLUDED.storage_format`,
      [
        appName,
        executorId,
        versions.applicationVersion,
        versions.gemloopVersion ?? null,
        versions.storageFormat,
      ],
    );
  });
}

function mixedFleetError(
  appName: string,
  versions: WorkerVersions,
  other: {
    executor_id: string;
    app_version: string | null;
    gemloop_version: string | null;
    storage_format: number | null;
  },
): MixedFleetError {
  const older = other.storage_format === null || other.storage_format < versions.storageFormat;
  const theirs =
    other.storage_format === null
      ? 'a @gemloop/dbos from before workers recorded their version'
      : `@gemloop/dbos ${other.gemloop_version ?? '(version unknown)'}, storage format ${other.storage_format}`;
  const ours = `@gemloop/dbos ${versions.gemloopVersion ?? '(version unknown)'}, storage format ${versions.storageFormat}`;
  const which =
    other.app_version === null
      ? `may run application version "${versions.applicationVersion}" (it recorded none and has run nothing yet)`
      : `runs application version "${versions.applicationVersion}"`;
  return new MixedFleetError({
    message: `startDurableWorker: the live worker "${other.executor_id}" of "${appName}" ${which} on ${theirs}; this worker is ${ours}. Workers of one application version take over each other's runs, and ${older ? 'the older one cannot read the records this one writes' : 'this one cannot read the records the newer one writes'}. Give this deploy its own applicationVersion, or stop the ${older ? 'old' : 'other'} workers first.`,
    applicationVersion: versions.applicationVersion,
    executorId: other.executor_id,
    otherGemloopVersion: other.gemloop_version ?? undefined,
    otherStorageFormat: other.storage_format ?? undefined,
    gemloopVersion: versions.gemloopVersion,
    storageFormat: versions.storageFormat,
  });
}
