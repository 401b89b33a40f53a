import pg from 'pg';

/**
 * DBOS's channel for a new message (`DBOS.send`): a trigger on its `notifications` table
 * notifies `<destination run id>::<topic>` in the sending transaction
 * (`@dbos-inc/dbos-sdk` 5.3, `dist/src/sysdb_migrations/internal/migrations.js`,
 * `notifications_function`). Re-check on a DBOS upgrade.
 * @internal
 */
export const DBOS_NOTIFICATIONS_CHANNEL = 'dbos_notifications_channel';

/**
 * How long after a failed LISTEN the next is tried: meanwhile looks read the database (a pooler
 * in transaction mode, which cannot LISTEN, costs a read per step, not a connection attempt).
 */
const RETRY_LISTEN_MS = 5000;

/**
 * Which runs executing in this process were sent a steer, learned from DBOS's own NOTIFY of each
 * message, on one LISTEN connection per worker: looking costs no statement.
 *
 * A notice can be lost (the connection dropped, or the message was sent before the LISTEN); so
 * every look names the connection it trusts, `generation` (a number per LISTEN made), and a
 * caller that has not yet read the database since this connection began reads once (see
 * `createSteerWatch`). Only runs in `tracked` are remembered (a steer to a run on another worker
 * is not kept here), and each is forgotten when its run ends here.
 * @internal
 */
export type SteerAnnouncements = {
  /**
   * The generation of the LISTEN now in place, opening one when there is none (`undefined` when
   * Postgres cannot be reached: the caller reads the database instead).
   */
  listening(): Promise<number | undefined>;
  /** The generation in place now, without opening one. */
  generation(): number | undefined;
  /** Whether a steer to `runId` was announced since {@link SteerAnnouncements.clear}. */
  has(runId: string): boolean;
  /** Forget `runId`'s announcements: its messages are about to be read, or it ended here. */
  clear(runId: string): void;
  close(): Promise<void>;
};

/** @internal */
export function createSteerAnnouncements({
  connectionString,
  topic,
  tracked,
  onAnnounced,
}: {
  connectionString: string;
  topic: string;
  /** Whether a run executes in this process now. */
  tracked: (runId: string) => boolean;
  /** Told of each steer announced to a tracked run, once it is in the set `has` reads. */
  onAnnounced?: ((runId: string) => void) | undefined;
}): SteerAnnouncements {
  const announced = new Set<string>();
  const suffix = `::${topic}`;
  let generations = 0;
  let current: number | undefined;
  let opening: Promise<number | undefined> | undefined;
  let client: pg.Client | undefined;
  let closed = false;
  let failedAt = Number.NEGATIVE_INFINITY;

  const open = (): Promise<number | undefined> => {
    opening ??= (async () => {
      const next = new pg.Client({ connectionString });
      const drop = (): void => {
        if (client === next) {
          client = undefined;
          current = undefined;
          opening = undefined;
        }
        next.end().catch(() => {});
      };
      next.on('error', drop);
      next.on('end', drop);
      next.on('notification', ({ channel, payload }) => {
        if (channel !== DBOS_NOTIFICATIONS_CHANNEL || payload === undefined) return;
        if (!payload.endsWith(suffix)) return;
        const runId = payload.slice(0, -suffix.length);
        if (!tracked(runId)) return;
        announced.add(runId);
        onAnnounced?.(runId);
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${DBOS_NOTIFICATIONS_CHANNEL}`);
      } catch {
        next.end().catch(() => {});
        failedAt = Date.now();
        opening = undefined;
        return undefined;
      }
      if (closed) {
        next.end().catch(() => {});
        return undefined;
      }
      client = next;
      current = ++generations;
      return current;
    })();
    return opening;
  };

  return {
    listening: () =>
      closed || (opening === undefined && Date.now() - failedAt < RETRY_LISTEN_MS)
        ? Promise.resolve(undefined)
        : open(),
    generation: () => current,
    has: (runId) => announced.has(runId),
    clear: (runId) => {
      announced.delete(runId);
    },
    async close() {
      closed = true;
      announced.clear();
      current = undefined;
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}
