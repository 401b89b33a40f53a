import { createHash } from 'node:crypto';
import pg from 'pg';
import { borrowClient } from '../../postgres/borrow-client.ts';
import { RUN_WORKFLOW } from './durable-run-types.ts';

/**
 * The channel a run's end is announced on (Postgres LISTEN/NOTIFY). The payload is the md5 of
 * the run id: a run id is the caller's string, of any length, and `pg_notify` refuses a payload
 * of 8000 bytes or more, which would fail DBOS's own status write inside the trigger.
 * @internal
 */
export const RUN_END_CHANNEL = 'gemloop_run_end';

/** The payload announcing `runId`'s end. @internal */
export function runEndPayload(runId: string): string {
  return createHash('md5').update(runId).digest('hex');
}

/**
 * Makes the end of a run announce itself, so `runs.result()` returns when the run ends rather
 * than at its next poll (issue 35).
 *
 * DBOS 5.3 announces workflow events and streams over LISTEN/NOTIFY but not a workflow's status:
 * `awaitWorkflowResult` (`dist/src/system_database.js`, dbos-transact-ts 5.3) polls
 * `workflow_status` every `pollingIntervalMs`, 1 s by default (`dbPollingIntervalResultMs`). So
 * gemloop adds a trigger on DBOS's `workflow_status` that notifies when a run's workflow reaches
 * a final status (the way DBOS itself notifies `dbos_notifications_channel`: a trigger in the
 * writing transaction, so a listener woken by it sees the row). It fires once per end (or pause:
 * a run paused for approval is a CANCELLED workflow), not per step, and costs that one NOTIFY.
 *
 * Idempotent and safe for workers starting at once (the same advisory lock as the approvals
 * table). Needs DBOS's tables: run it after DBOS's migration.
 * @internal
 */
export async function migrateRunEndNotices(pool: pg.Pool, schema = 'dbos'): Promise<void> {
  const client = await borrowClient(pool);
  try {
    // Creating a trigger locks `workflow_status` exclusively: it waits for every transaction of the
    // fleet on the table and holds back every new one meanwhile. So a worker joining a running
    // fleet only reads the catalog; the DDL runs once, when the trigger is missing. A changed
    // trigger or function gets a new name (the old one then stays until dropped by hand).
    if (await runEndTriggerInstalled(client, schema)) return;
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    if (await runEndTriggerInstalled(client, schema)) {
      await client.query('COMMIT');
      return;
    }
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE OR REPLACE FUNCTION gemloop.notify_run_end() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('${RUN_END_CHANNEL}', md5(NEW.workflow_uuid));
         RETURN NULL;
       END $$`,
    );
    await client.query(
      `CREATE TRIGGER gemloop_run_end
         AFTER UPDATE OF status ON "${schema}".workflow_status FOR EACH ROW
         WHEN (NEW.status IS DISTINCT FROM OLD.status
               AND NEW.status IN ('SUCCESS', 'ERROR', 'CANCELLED', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED')
               AND NEW.name = '${RUN_WORKFLOW}')
         EXECUTE FUNCTION gemloop.notify_run_end()`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A watch on one run's end, from {@link RunEndNotices.watch}. @internal */
/** Whether the run-end trigger and its function exist (catalog reads only, no table lock). */
async function runEndTriggerInstalled(client: pg.PoolClient, schema: string): Promise<boolean> {
  const found = await client.query(
    `SELECT 1 FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE t.tgname = 'gemloop_run_end' AND c.relname = 'workflow_status' AND n.nspname = $1
       AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace f ON f.oid = p.pronamespace
                   WHERE p.proname = 'notify_run_end' AND f.nspname = 'gemloop')`,
    [schema],
  );
  return (found.rowCount ?? 0) > 0;
}

export type RunEndWatch = {
  /**
   * Resolves when the run's end was announced since the last call (or since the watch began),
   * or after `ms`, whichever comes first: the caller checks the run's status either way.
   */
  next(ms: number): Promise<void>;
  stop(): void;
};

/** Listens for runs' ends on one dedicated connection. @internal */
export type RunEndNotices = {
  /**
   * Starts watching `runId`; the LISTEN is in place when it resolves, so an end committed after
   * it is never missed. Without a connection (Postgres unreachable) the watch only times out:
   * its caller falls back to polling.
   */
  watch(runId: string): Promise<RunEndWatch>;
  close(): Promise<void>;
};

type Waiter = { announced: boolean; wake: (() => void) | undefined };

/**
 * One LISTEN connection per runs API, opened at the first watch (a runs API that never awaits a
 * result holds no extra connection). A lost connection is replaced at the next watch; watches in
 * between time out into their caller's poll, so a notice lost with it costs one poll interval.
 * @internal
 */
export function createRunEndNotices(connectionString: string): RunEndNotices {
  const waiters = new Map<string, Set<Waiter>>();
  let listening: Promise<pg.Client | undefined> | undefined;
  let closed = false;

  const listen = (): Promise<pg.Client | undefined> => {
    listening ??= (async () => {
      const client = new pg.Client({ connectionString });
      const drop = (): void => {
        listening = undefined;
        client.end().catch(() => {});
      };
      client.on('error', drop);
      client.on('end', () => {
        listening = undefined;
      });
      client.on('notification', ({ channel, payload }) => {
        if (channel !== RUN_END_CHANNEL || payload === undefined) return;
        for (const waiter of waiters.get(payload) ?? []) {
          waiter.announced = true;
          waiter.wake?.();
        }
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${RUN_END_CHANNEL}`);
        return client;
      } catch {
        drop();
        return undefined;
      }
    })();
    return listening;
  };

  return {
    async watch(runId) {
      const key = runEndPayload(runId);
      const waiter: Waiter = { announced: false, wake: undefined };
      let set = waiters.get(key);
      if (set === undefined) {
        set = new Set();
        waiters.set(key, set);
      }
      set.add(waiter);
      if (!closed) await listen();
      return {
        next: (ms) =>
          new Promise<void>((resolve) => {
            if (waiter.announced) {
              waiter.announced = false;
              resolve();
              return;
            }
            const done = (): void => {
              clearTimeout(timer);
              waiter.wake = undefined;
              waiter.announced = false;
              resolve();
            };
            const timer = setTimeout(done, ms);
            waiter.wake = done;
          }),
        stop: () => {
          waiter.wake?.();
          const current = waiters.get(key);
          current?.delete(waiter);
          if (current?.size === 0) waiters.delete(key);
        },
      };
    },
    async close() {
      closed = true;
      for (const set of waiters.values()) for (const waiter of set) waiter.wake?.();
      const client = await listening;
      listening = undefined;
      await client?.end().catch(() => {});
    },
  };
}
