import { InvalidArgumentError } from '@gemloop/core';
import { type OptionCheck, optionCheck } from '@gemloop/core/internal';
import pg from 'pg';

/**
 * How a Postgres store of this package reaches its database: a `pool` of yours, or a
 * `connectionString` it makes (and `close()` ends) a pool for.
 */
export type PostgresConnectionOptions =
  | {
      /** A `pg` pool; the store never ends it. */
      pool: pg.Pool;
      connectionString?: undefined;
    }
  | {
      /** The store makes (and `close()` ends) a pool of its own. */
      connectionString: string;
      pool?: undefined;
    };

/** A table name the stores interpolate into SQL: a plain identifier, optionally schema-qualified. */
const TABLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

const giveOne = (store: string): string =>
  `${store}: give a pg \`pool\` or a \`connectionString\`, one of them.`;

/** The option checks of `pool`, `connectionString` and `table` for the store named `store`. @internal */
export function connectionOptionChecks(store: string): {
  pool: OptionCheck;
  connectionString: OptionCheck;
  table: OptionCheck;
} {
  return {
    pool: optionCheck(
      (value) => typeof (value as { query?: unknown } | null)?.query === 'function',
      `${store}: pool must be a pg Pool (new pg.Pool({ connectionString })).`,
    ),
    connectionString: optionCheck(
      (value) => typeof value === 'string' && value !== '',
      giveOne(store),
    ),
    table: optionCheck(
      (value) => typeof value === 'string' && TABLE.test(value),
      (_path, table) =>
        `${store}: table "${String(table)}" must be a plain identifier, optionally schema-qualified (letters, digits, _).`,
    ),
  };
}

/**
 * Refuses options that give neither a pool nor a connection string, or both (attack20: the pool
 * was taken and the string ignored without a word), and says whether the store will own its
 * pool. @internal
 */
export function requireConnection(store: string, options: PostgresConnectionOptions): boolean {
  const ownPool = options.pool === undefined;
  if ((options.connectionString === undefined) === ownPool) {
    throw new InvalidArgumentError({ argument: 'connectionString', message: giveOne(store) });
  }
  return ownPool;
}

/**
 * The caller's pool, or one of the store's own for its connection string (its idle-client
 * errors swallowed: a query reports them). @internal
 */
export function storePool(options: PostgresConnectionOptions): pg.Pool {
  if (options.pool !== undefined) return options.pool;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
  pool.on('error', () => {});
  return pool;
}

/** Whether `value` is a table name the stores take: a plain identifier, optionally schema-qualified. @internal */
export function isTableName(value: unknown): value is string {
  return typeof value === 'string' && TABLE.test(value);
}

/** The table name quoted for SQL (`chat.turns` → `"chat"."turns"`). @internal */
export function quoteTable(table: string): string {
  // A `"` doubled, as Postgres reads it inside a quoted identifier: the option check allows none,
  // and a name that reached here past it (attack17: a getter read after the check) stays one name.
  return table
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}
