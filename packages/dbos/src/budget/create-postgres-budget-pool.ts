import { createHash } from 'node:crypto';
import { getCurrentContextStore } from '@dbos-inc/dbos-sdk/internal/context';
import { InvalidArgumentError } from '@gemloop/core';
import { type BudgetPool, BudgetReservationError } from '@gemloop/core/budget';
import { checkedWhereUsed, checkOptionsCopy, defineOptions } from '@gemloop/core/internal';
import type pg from 'pg';
import { BudgetPoolRowError } from '../errors/budget-pool-row-error.ts';
import { inTransaction } from '../postgres/in-transaction.ts';
import { migrateTable } from '../postgres/migrate-table.ts';
import {
  connectionOptionChecks,
  type PostgresConnectionOptions,
  requireConnection,
  storePool,
} from '../postgres/store-connection.ts';

/** Options of {@link createPostgresBudgetPool}. */
export type PostgresBudgetPoolOptions = PostgresConnectionOptions & {
  /** The pool's name: every worker that gives the same name shares one budget. */
  name: string;
  /** US dollars every run of the pool may cost together. */
  maxCostUsd: number;
  /**
   * How long a reservation holds before it counts as spent in full: the end of a run that never
   * settled (its worker was killed). Keep it above your longest run; at most 8.64e15.
   * @defaultValue 3_600_000 (an hour)
   */
  leaseMs?: number | undefined;
};

/** A {@link BudgetPool} in Postgres, and `close()` for the pool it made (a `connectionString`). */
export type PostgresBudgetPool = BudgetPool & { close(): Promise<void> };

/** The longest `leaseMs` taken: ECMAScript's date range (100,000,000 days), inside Postgres's. */
const MAX_LEASE_MS = 8.64e15;

const POOLS = 'gemloop_budget_pools';
const HOLDS = 'gemloop_budget_reservations';
// The keys, and the connection's checks; name, maxCostUsd and leaseMs are checked below, where
// their messages are written.
const { table: _table, ...connectionChecks } = connectionOptionChecks('createPostgresBudgetPool');
const budgetPoolOptions = defineOptions<PostgresBudgetPoolOptions>({
  name: 'createPostgresBudgetPool',
  example: "{ connectionString, name: 'team', maxCostUsd: 50 }",
  checks: {
    ...connectionChecks,
    name: checkedWhereUsed,
    maxCostUsd: checkedWhereUsed,
    leaseMs: checkedWhereUsed,
  },
});

/** A dollar amount a pool takes: a finite number >= 0. */
const isUsd = (usd: unknown): usd is number =>
  typeof usd === 'number' && Number.isFinite(usd) && usd >= 0;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id of a hold taken inside a durable run's step (`reserveBudget`'s recorded `startRun`): the
 * same for every execution of that step (the run's id, the step's, the pool's name, and which
 * reservation of this pool in the step it is), so an execution whose record DBOS refused (its
 * worker killed, or frozen and taken over, `#checkOwner` in `dist/src/system_database.js` 5.3)
 * and the one that took the run over share one hold, in whichever order their reservations
 * commit. With a random id the first one's hold was never settled (its id is in no record) and
 * counted as spent in full when its lease ended: the run charged twice. `undefined` outside a
 * DBOS step (`curStepFunctionId`, `dist/src/context.js`): a random id, as before.
 */
function stepHoldId(pool: string, reservations: WeakMap<object, number>): string | undefined {
  const context = getCurrentContextStore();
  if (context?.workflowId === undefined || context.curStepFunctionId === undefined)
    return undefined;
  const ordinal = reservations.get(context) ?? 0;
  reservations.set(context, ordinal + 1);
  const hex = createHash('sha256')
    .update(JSON.stringify([context.workflowId, context.curStepFunctionId, pool, ordinal]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A budget shared by a fleet (`reserveBudget({ pool })` of `@gemloop/core/budget`): each
 * reservation is taken in one transaction that locks the pool's row, so N workers starting N runs
 * at once cannot together hold more than `maxCostUsd`; a settle counts the run's actual cost and
 * frees its hold, once (a durable run that settles again after a crash changes nothing). A hold whose run never settled (a killed worker) counts as spent in full once
 * its lease ends, and stops holding then: the budget is never overspent by a crash, and comes
 * back to what the others left. A hold taken in a durable run's step has an id of that step: the
 * execution that takes a run over after the reservation committed, but before the run recorded
 * it, gets the same hold rather than a second one.
 *
 * @example
 * ```ts
 * const pool = createPostgresBudgetPool({ connectionString, name: 'nightly', maxCostUsd: 20 });
 * const agent = createAgent({ gemini, model, plugins: [reserveBudget({ pool, usd: 0.2 })] });
 * ```
 *
 * @throws {@link InvalidArgumentError} for a missing connection, name, or a bad amount.
 */
export function createPostgresBudgetPool(given: PostgresBudgetPoolOptions): PostgresBudgetPool {
  // Declared and each read once (attack20): a misspelt `leasMs` was dropped without a word, and
  // the connection options were read again after their check.
  const options = checkOptionsCopy(budgetPoolOptions, given);
  const ownPool = requireConnection('createPostgresBudgetPool', options);
  const { name, maxCostUsd, leaseMs = 3_600_000 } = options;
  // Postgres text holds no NUL: such a name failed every reservation with the database's own
  // "invalid byte sequence" (economy68).
  if (typeof name !== 'string' || name === '' || name.includes('\u0000'))
    throw new InvalidArgumentError({
      argument: 'name',
      message:
        'createPostgresBudgetPool: name must name the shared budget (a non-empty string without NUL characters).',
    });
  for (const [argument, value] of [
    ['maxCostUsd', maxCostUsd],
    ['leaseMs', leaseMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new InvalidArgumentError({
        argument,
        message: `createPostgresBudgetPool: ${argument} must be a number >= 0; got ${String(value)}.`,
      });
  }
  // A hold's end is now() plus the lease, in Postgres: past its dates' range every reservation
  // failed with the database's "interval out of range" (economy68).
  if (leaseMs > MAX_LEASE_MS)
    throw new InvalidArgumentError({
      argument: 'leaseMs',
      message: `createPostgresBudgetPool: leaseMs must be at most ${MAX_LEASE_MS} (ECMAScript's date range, which Postgres holds); got ${String(leaseMs)}. Keep it above your longest run.`,
    });
  const pool = storePool(options);
  // Reservations made in each execution of a step so far (the store is made anew for each).
  const stepReservations = new WeakMap<object, number>();
  let ready: Promise<void> | undefined;
  const migrate = (): Promise<void> => {
    ready ??= migrateTable(pool, {
      name: `budget:${POOLS}`,
      label: `budget table ${POOLS}`,
      steps: [
        (client) =>
          client.query(`CREATE TABLE IF NOT EXISTS ${POOLS} (
            name text PRIMARY KEY,
            max_usd numeric NOT NULL,
            spent_usd numeric NOT NULL DEFAULT 0,
            reserved_usd numeric NOT NULL DEFAULT 0)`),
        (client) =>
          client.query(`CREATE TABLE IF NOT EXISTS ${HOLDS} (
            id uuid PRIMARY KEY,
            pool text NOT NULL,
            usd numeric NOT NULL,
            status text NOT NULL DEFAULT 'held',
            expires_at timestamptz NOT NULL)`),
      ],
    }).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  const transaction = async <T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    await migrate();
    return inTransaction(pool, body);
  };

  /** Locks the pool's row (made on first use) and charges the holds whose lease ended. */
  const lockPool = async (client: pg.PoolClient) => {
    await client.query(
      `INSERT INTO ${POOLS} (name, max_usd) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET max_usd = EXCLUDED.max_usd`,
      [name, String(maxCostUsd)],
    );
    await client.query(`SELECT 1 FROM ${POOLS} WHERE name = $1 FOR UPDATE`, [name]);
    await client.query(
      `WITH gone AS (UPDATE ${HOLDS} SET status = 'expired'
         WHERE pool = $1 AND status = 'held' AND expires_at < now() RETURNING usd)
       UPDATE ${POOLS} SET reserved_usd = reserved_usd - (SELECT coalesce(sum(usd), 0) FROM gone),
         spent_usd = spent_usd + (SELECT coalesce(sum(usd), 0) FROM gone)
       WHERE name = $1`,
      [name],
    );
    const { rows } = await client.query<{ spent: string; reserved: string }>(
      `SELECT spent_usd::text AS spent, reserved_usd::text AS reserved FROM ${POOLS} WHERE name = $1`,
      [name],
    );
    const row = rows[0] as { spent: string; reserved: string };
    const spent = Number(row.spent);
    const reserved = Number(row.reserved);
    // The row is a database's bytes: `NaN` (which numeric holds) made every reservation pass
    // (`usd > max - NaN` is false), a negative amount made more than the budget available.
    if (!(Number.isFinite(spent) && spent >= 0))
      throw new BudgetPoolRowError({ pool: name, column: 'spent_usd' });
    if (!(Number.isFinite(reserved) && reserved >= 0))
      throw new BudgetPoolRowError({ pool: name, column: 'reserved_usd' });
    return { spent, reserved };
  };

  return {
    name,
    async reserve(usd) {
      if (!isUsd(usd))
        throw new InvalidArgumentError({
          argument: 'usd',
          message: `usd must be US dollars as a number >= 0; got ${String(usd)}.`,
        });
      const stepId = stepHoldId(name, stepReservations);
      const id = stepId ?? globalThis.crypto.randomUUID();
      return transaction(async (client) => {
        const { spent, reserved } = await lockPool(client);
        // Taken already by another execution of this step (the pool's row lock orders the two).
        if (stepId !== undefined) {
          const { rows } = await client.query<{ usd: string }>(
            `SELECT usd::text AS usd FROM ${HOLDS} WHERE id = $1 AND pool = $2`,
            [id, name],
          );
          if (rows[0] !== undefined) return { id, usd: Number(rows[0].usd) };
        }
        const available = maxCostUsd - spent - reserved;
        if (usd > available + 1e-12)
          throw new BudgetReservationError({
            pool: name,
            requestedUsd: usd,
            availableUsd: available,
            maxCostUsd,
          });
        await client.query(`UPDATE ${POOLS} SET reserved_usd = reserved_usd + $2 WHERE name = $1`, [
          name,
          String(usd),
        ]);
        await client.query(
          `INSERT INTO ${HOLDS} (id, pool, usd, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
          [id, name, String(usd), leaseMs / 1000],
        );
        return { id, usd };
      });
    },
    async settle(hold, actualUsd) {
      if (typeof hold?.id !== 'string' || !UUID.test(hold.id)) return;
      await transaction(async (client) => {
        await lockPool(client);
        const { rows } = await client.query<{ status: string; usd: string }>(
          `SELECT status, usd::text AS usd FROM ${HOLDS} WHERE id = $1 AND pool = $2 FOR UPDATE`,
          [hold?.id, name],
        );
        const row = rows[0];
        // Settled already (a durable run settling again after a crash), or not this pool's.
        if (row === undefined || row.status === 'settled') return;
        await client.query(`UPDATE ${HOLDS} SET status = 'settled' WHERE id = $1`, [hold.id]);
        // Still held: free it and count the actual cost. Expired: it was counted in full, so
        // only the difference is.
        await client.query(
          row.status === 'held'
            ? `UPDATE ${POOLS} SET reserved_usd = reserved_usd - $2, spent_usd = spent_usd + $3 WHERE name = $1`
            : `UPDATE ${POOLS} SET spent_usd = spent_usd - $2 + $3 WHERE name = $1`,
          // A cost that is no finite number >= 0 counts as the whole hold (BudgetPool.settle):
          // $0 let a run that mispriced its spend go unbounded.
          [name, row.usd, isUsd(actualUsd) ? String(actualUsd) : row.usd],
        );
      });
    },
    async read() {
      return transaction(async (client) => {
        const { spent, reserved } = await lockPool(client);
        return { spentUsd: spent, reservedUsd: reserved, maxCostUsd };
      });
    },
    async close() {
      if (ownPool) await pool.end();
    },
  };
}
