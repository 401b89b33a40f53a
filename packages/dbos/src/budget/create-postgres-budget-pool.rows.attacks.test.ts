import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { BudgetPoolRowError } from '../errors/budget-pool-row-error.ts';
import {
  createPostgresBudgetPool,
  type PostgresBudgetPool,
} from './create-postgres-budget-pool.ts';

// Outside attacks on the budget pool's row (attack13): the row is bytes from a database (a hand
// edit, an older bug). Postgres's numeric holds 'NaN', and the budget read back as NaN made
// `usd > max - NaN - reserved` false: every reservation was granted, however large. A negative
// amount spent or reserved made more than the budget available. Each is refused, typed, naming
// the pool; nothing is reserved.

let databaseUrl: string;
let client: pg.Client;
const opened: PostgresBudgetPool[] = [];
beforeAll(async () => {
  databaseUrl = await freshDatabase('budget-rows');
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
});
afterAll(async () => {
  await Promise.all(opened.map((pool) => pool.close()));
  await client.end();
});

function open(name: string): PostgresBudgetPool {
  const pool = createPostgresBudgetPool({ connectionString: databaseUrl, name, maxCostUsd: 1 });
  opened.push(pool);
  return pool;
}

describe('createPostgresBudgetPool: a row that is not a budget', () => {
  it.each([
    ['spent_usd', "'NaN'"],
    ['reserved_usd', "'NaN'"],
    ['spent_usd', '-1000'],
    ['reserved_usd', '-1000'],
  ])('%s = %s: reserve and read refuse it, typed, and grant nothing', async (column, value) => {
    const name = `pool-${column}-${value.replace(/\W/g, '')}`;
    const pool = open(name);
    await pool.settle(await pool.reserve(0.1), 0.1);
    await client.query(`UPDATE gemloop_budget_pools SET ${column} = ${value} WHERE name = $1`, [
      name,
    ]);
    const reserved = pool.reserve(500);
    await expect(reserved).rejects.toThrow(BudgetPoolRowError);
    await expect(pool.reserve(500)).rejects.toThrow(new RegExp(name));
    await expect(pool.read()).rejects.toThrow(BudgetPoolRowError);
    const holds = await client.query(
      `SELECT count(*)::int AS n FROM gemloop_budget_reservations WHERE pool = $1`,
      [name],
    );
    expect(holds.rows[0].n).toBe(1);
  });

  it('a sound row still reserves and refuses as before', async () => {
    const pool = open('pool-sound');
    await pool.reserve(0.5);
    await expect(pool.reserve(0.6)).rejects.toThrow(/cannot reserve/);
    expect((await pool.read()).reservedUsd).toBe(0.5);
  });
});
