import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '@gemloop/core';
import type { SendInfo } from '@gemloop/core/http';
import { MAX_TIMER_MS, sleep } from '@gemloop/core/internal';
import type pg from 'pg';
import { inTransaction } from '../../postgres/in-transaction.ts';

/**
 * A fleet-wide limit of model calls: at most `requests` HTTP requests (attempts: a retry is one
 * more) in any window of `periodMs`, as the API receives them.
 */
export type ModelRateLimit = { requests: number; periodMs: number };

/**
 * The slots of the fleet rate limits, in Postgres: `requests` rows per limited model.
 * @internal
 */
export const RATE_LIMIT_TABLE = 'gemloop.rate_limit_slots';

/**
 * How long a slot stays taken when its attempt has no time limit (`timeoutMs: Infinity`, or one
 * past the longest timer, which the client does not enforce either) and its worker never says
 * the request was answered (it died): 10 minutes.
 * @internal
 */
export const UNBOUNDED_ATTEMPT_LEASE_MS = 600_000;

/**
 * Added to a lease: a slot is freed a little after its answer came (the release statement's own
 * way to Postgres), and the lease must not run out before that.
 * @internal
 */
export const LEASE_SLACK_MS = 5_000;

/**
 * The admission step of the fleet rate limits, installed as `CallOptions.beforeSend` on every
 * model call of a durable worker: it holds the limit at the moment each HTTP attempt is sent.
 *
 * DBOS's own queue rate limit (`rateLimit` of a queue) is not enough: `findAndMarkStartableWorkflows`
 * (`@dbos-inc/dbos-sdk` 5.3.0, `dist/src/system_database.js`) counts a workflow when a worker
 * dequeues it (`started_at_epoch_ms`, the database's `now()`), and the request leaves later: after
 * the worker read the workflow, checked its step and had its turn on the event loop, 15-174 ms on a
 * quiet machine and more on a busy one. Calls dequeued just over a period apart then arrive just
 * under it (issue 26), and the 1 s margin that hid it wasted 30-40% of the quota.
 *
 * Each limited model has `requests` slots (rows). An attempt takes a free slot in one statement
 * (`FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same one) right before it is
 * sent, and once the API has answered (the response headers, or the attempt's failure) the slot
 * is freed for `periodMs` from then. The API receives a request between its send and its answer,
 * so two requests of one slot reach the API at least `periodMs` apart, whatever the load and
 * however long the network takes: no window of `periodMs` sees more requests than slots. Times
 * are the database's (`clock_timestamp()`), one clock for the whole fleet.
 *
 * A taken slot is leased for the attempt's time limit plus the period: a worker that dies while
 * its request is out frees it when the lease ends. The cost: 2 statements per attempt admitted at
 * once (take, free), plus 1 for each time a waiting attempt looks for a slot again. The callers of
 * one process wait in line and only the first looks, sleeping until the earliest slot can be free
 * rather than polling: 2.36 statements per call in all at 20 requests a second from 32 callers
 * (`bench/src/durable/rate-limit-bench.ts`).
 * @internal
 */
export type FleetRateLimit = {
  /**
   * The `beforeSend` hook: resolves once admitted (a call to a model without a limit at once,
   * with `undefined`) with what frees the slot; that settles once the slot is freed (never
   * rejects: a failure goes to `onError`).
   */
  admit(send: SendInfo): Promise<(() => Promise<void>) | undefined>;
};

/** Options of {@link createFleetRateLimit}. @internal */
export type CreateFleetRateLimitOptions = {
  pool: pg.Pool;
  /** The fleet's name: the limits of two fleets on one database are apart. */
  appName: string;
  /** By model (`gemini-2.5-flash` or `models/gemini-2.5-flash`). */
  limits: Record<string, ModelRateLimit>;
  /**
   * Told when freeing a slot failed (it then frees when its lease ends), and of each failed look
   * for a slot while Postgres is unreachable (the look is repeated, 100 ms to 2 s apart).
   */
  onError?: ((error: unknown) => void) | undefined;
  /** @defaultValue {@link LEASE_SLACK_MS} (tests shorten it) */
  leaseSlackMs?: number | undefined;
};

/**
 * Checks `modelRateLimits`, creates the slot table when missing and sets each limited model's
 * slots to its `requests` (idempotent; every worker of a fleet should give the same limits).
 * @throws {@link InvalidArgumentError} naming a limit that is not a positive integer of requests
 * in a positive period.
 * @internal
 */
export async function migrateFleetRateLimit({
  pool,
  appName,
  limits,
}: CreateFleetRateLimitOptions): Promise<void> {
  const entries = checkModelRateLimits(limits);
  if (entries.length === 0) return;
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${RATE_LIMIT_TABLE} (
         bucket text NOT NULL, slot integer NOT NULL,
         free_at timestamptz NOT NULL DEFAULT '-infinity',
         in_flight boolean NOT NULL DEFAULT false, token text,
         PRIMARY KEY (bucket, slot))`,
    );
    // The look for a free slot reads the one free the longest.
    await client.query(
      `CREATE INDEX IF NOT EXISTS rate_limit_slots_free_at ON ${RATE_LIMIT_TABLE} (bucket, free_at)`,
    );
    for (const [model, limit] of entries) {
      const bucket = bucketOf(appName, model);
      await client.query(
        `INSERT INTO ${RATE_LIMIT_TABLE} (bucket, slot)
         SELECT $1, generate_series(0, $2::integer - 1) ON CONFLICT DO NOTHING`,
        [bucket, limit.requests],
      );
      // A lowered limit: the slots past it go (a request out on one of them still arrives).
      await client.query(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1 AND slot >= $2`, [
        bucket,
        limit.requests,
      ]);
    }
  });
}

/**
 * The admission step of `limits` (see {@link FleetRateLimit}); run
 * {@link migrateFleetRateLimit} first.
 * @internal
 */
export function createFleetRateLimit({
  pool,
  appName,
  limits,
  onError = () => {},
  leaseSlackMs = LEASE_SLACK_MS,
}: CreateFleetRateLimitOptions): FleetRateLimit {
  // `line`: this process's callers of a model wait in line, and only the first looks for a slot
  // (a look per freed slot instead of one per waiting caller, and first come, first served).
  const byModel = new Map(
    checkModelRateLimits(limits).map(([model, limit]) => [
      model,
      { bucket: bucketOf(appName, model), limit, line: Promise.resolve() },
    ]),
  );
  return {
    async admit({ model, signal, timeoutMs }) {
      const entry = model === undefined ? undefined : byModel.get(toModelName(model));
      if (entry === undefined) return undefined;
      const previous = entry.line;
      let leave = (): void => {};
      const left = new Promise<void>((resolve) => {
        leave = resolve;
      });
      // The next in line waits for this caller's predecessor too: one that gives up early
      // (its signal aborted) does not let the next one past a caller still looking.
      entry.line = previous.then(() => left);
      try {
        await untilAborted(previous, signal);
        return await takeSlot(entry, signal, timeoutMs);
      } finally {
        leave();
      }
    },
  };

  async function takeSlot(
    { bucket, limit }: { bucket: string; limit: ModelRateLimit },
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<() => Promise<void>> {
    const periodSeconds = limit.periodMs / 1000;
    const leaseSeconds = (attemptLeaseMs(timeoutMs) + limit.periodMs + leaseSlackMs) / 1000;
    const token = randomUUID();
    let outageMs = 0;
    for (;;) {
      signal?.throwIfAborted();
      let rows: { slot: number | null; wait_ms: number | null }[];
      try {
        ({ rows } = await pool.query<{ slot: number | null; wait_ms: number | null }>(
          // One statement: take the slot free the longest, or say how long until one can be: the
          // earliest free_at of the slots not in flight, at most a period (a slot in flight is
          // free no sooner than a period after its answer). A wait sleeps until then rather
          // than polling; no slot at all (a worker without this limit cleared them) is null.
          `WITH candidate AS (
             SELECT slot FROM ${RATE_LIMIT_TABLE}
              WHERE bucket = $1 AND free_at <= clock_timestamp()
              ORDER BY free_at LIMIT 1 FOR UPDATE SKIP LOCKED
           ), taken AS (
             UPDATE ${RATE_LIMIT_TABLE} s
                SET free_at = clock_timestamp() + make_interval(secs => $3),
                    in_flight = true, token = $4
               FROM candidate c WHERE s.bucket = $1 AND s.slot = c.slot
             RETURNING s.slot
           )
           SELECT slot, CASE WHEN slot IS NULL THEN (
                    SELECT extract(epoch FROM least(min(free_at) FILTER (WHERE NOT in_flight),
                        clock_timestamp() + make_interval(secs => $2)) - clock_timestamp()) * 1000
                      FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1 HAVING count(*) > 0
                  ) END::float8 AS wait_ms
             FROM (SELECT (SELECT slot FROM taken) AS slot) t`,
          [bucket, periodSeconds, leaseSeconds, token],
        ));
      } catch (error) {
        // Postgres unreachable (restarting, say): nothing is sent unadmitted, so the attempt
        // waits for it, as the worker's other statements do, until the caller gives up.
        if (!isConnectionError(error)) throw error;
        onError(error);
        outageMs = Math.min(2000, Math.max(100, outageMs * 2));
        await sleep(outageMs, signal);
        continue;
      }
      outageMs = 0;
      const row = rows[0];
      if (row === undefined || (row.slot === null && row.wait_ms === null)) {
        throw new InvalidArgumentError({
          argument: 'modelRateLimits',
          message: `The rate limit ${bucket} has no slots in ${RATE_LIMIT_TABLE}: start the worker with modelRateLimits naming it (startDurableWorker creates them).`,
        });
      }
      if (row.slot !== null) {
        const slot = row.slot;
        return async () => {
          // Freed for a period from now: the API received the request before this moment.
          // Only this attempt's lease (the token): a lease that ran out is someone else's now.
          await pool
            .query(
              `UPDATE ${RATE_LIMIT_TABLE}
                    SET free_at = clock_timestamp() + make_interval(secs => $3), in_flight = false
                  WHERE bucket = $1 AND slot = $2 AND token = $4`,
              [bucket, slot, periodSeconds, token],
            )
            .then(() => {}, onError);
        };
      }
      // At least 1 ms: the clock read by the next look is then past the slot's free_at.
      await sleep(Math.max(1, Math.ceil(row.wait_ms ?? 1)), signal);
    }
  }
}

/**
 * The part of a slot's lease that covers its attempt: the attempt's time limit while the client
 * enforces it, else {@link UNBOUNDED_ATTEMPT_LEASE_MS}. The client times an attempt out only up
 * to {@link MAX_TIMER_MS} (about 24.8 days: `setTimeout` fires at once past it, so a longer
 * `timeoutMs` is no limit at all, as `Infinity` is), so a longer one is leased as `Infinity` is.
 * Taking it as given made the lease unbounded: `1e300` failed every admission with Postgres's
 * "interval out of range", and `Number.MAX_SAFE_INTEGER` held a dead worker's slot for 285,000
 * years. A lease is thus at most 24.8 days + the period (366 days at most) + the slack. It is
 * never cut below a limit the client enforces: a live attempt keeps its slot until answered, so
 * no other request of that slot reaches the API within a period of it.
 */
function attemptLeaseMs(timeoutMs: number): number {
  return Number.isFinite(timeoutMs) && timeoutMs <= MAX_TIMER_MS
    ? timeoutMs
    : UNBOUNDED_ATTEMPT_LEASE_MS;
}

/**
 * A lost or refused connection (node's `E...` codes, SQLSTATE classes 08 and 57P: connection
 * exceptions, the server shutting down), as opposed to an error of the statement itself.
 */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^(E[A-Z]+|08...|57P..)$/.test(code);
  // node-postgres's own, without a code: "Connection terminated unexpectedly", ...
  return error instanceof Error && /connection|terminated/i.test(error.message);
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function toModelName(model: string): string {
  return model.replace(/^models\//, '');
}

function bucketOf(appName: string, model: string): string {
  return `${appName}:${toModelName(model)}`;
}

/**
 * The longest `periodMs`: a year (366 days) holds any quota window Gemini has (minutes, a day).
 * Each admission adds the period to Postgres's clock (`make_interval`), and a finite period past
 * its range (`1e300`) was accepted at start, then failed every call with "interval out of range".
 */
const MAX_PERIOD_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * Checks `modelRateLimits`: by model, whole `requests` from 1 to 100000 in a positive `periodMs` of at most 366 days.
 * @throws {@link InvalidArgumentError} naming the limit.
 * @internal
 */
export function checkModelRateLimits(
  limits: Record<string, ModelRateLimit>,
): [string, ModelRateLimit][] {
  if (typeof limits !== 'object' || limits === null) {
    throw new InvalidArgumentError({
      argument: 'modelRateLimits',
      message:
        "modelRateLimits must be an object by model, e.g. { 'gemini-2.5-flash': { requests: 900, periodMs: 60_000 } }.",
    });
  }
  return Object.entries(limits).map(([model, limit]) => {
    const requests = limit?.requests;
    const periodMs = limit?.periodMs;
    if (!(Number.isSafeInteger(requests) && requests > 0 && requests <= 100_000)) {
      throw new InvalidArgumentError({
        argument: `modelRateLimits.${model}.requests`,
        message: `modelRateLimits.${model}.requests must be a whole number of requests from 1 to 100000 (got ${String(requests)}).`,
      });
    }
    if (!(Number.isFinite(periodMs) && periodMs > 0 && periodMs <= MAX_PERIOD_MS)) {
      throw new InvalidArgumentError({
        argument: `modelRateLimits.${model}.periodMs`,
        message: `modelRateLimits.${model}.periodMs must be a positive number of milliseconds, at most 366 days (${MAX_PERIOD_MS}), e.g. 60_000 for a per-minute quota (got ${String(periodMs)}).`,
      });
    }
    return [toModelName(model), { requests, periodMs }];
  });
}
