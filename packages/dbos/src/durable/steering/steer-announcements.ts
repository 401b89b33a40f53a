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
 * Which runs executing in this process were sent a message (on which topics), learned from DBOS's own NOTIFY of each
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
  /** Whether a message to `runId` on one of `topics` was announced since it was cleared. */
  has(runId: string, topics: readonly string[]): boolean;
  /** Forget `runId`'s announcements on `topic` (its messages are about to be read), or all (it ended here). */
  clear(runId: string, topic?: string): void;
  close(): Promise<void>;
};

/** @internal */
export function createSteerAnnouncements({
  connectionString,
  tracked,
  onAnnounced,
}: {
  connectionString: string;
  /** Whether a run executes in this process now. */
  tracked: (runId: string) => boolean;
  /** Told of each message announced to a tracked run, once it is in the set `has` reads. */
  onAnnounced?: ((runId: string) => void) | undefined;
}): SteerAnnouncements {
  /** Per tracked run, the topics a message was announced on. */
  const announced = new Map<string, Set<string>>();
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
        // `<run id>::<topic>`; a topic holds no `:` (core's topic rule; gemloop's own neither).
        const at = payload.lastIndexOf('::');
        if (at <= 0) return;
        const runId = payload.slice(0, at);
        if (!tracked(runId)) return;
        const topics = announced.get(runId) ?? new Set<string>();
        topics.add(payload.slice(at + 2));
        announced.set(runId, topics);
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
    has: (runId, topics) => {
      const heard = announced.get(runId);
      return heard !== undefined && topics.some((topic) => heard.has(topic));
    },
    clear: (runId, topic) => {
      if (topic === undefined) announced.delete(runId);
      else announced.get(runId)?.delete(topic);
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
