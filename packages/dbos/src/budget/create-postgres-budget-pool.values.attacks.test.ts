// Attack (economy68): a fleet budget pool made with values Postgres cannot take. `leaseMs: 1e300`
// passed the option check (a finite number >= 0), and every reservation failed with Postgres's
// own "interval out of range"; a pool name holding a NUL failed every reservation with "invalid
// byte sequence for encoding "UTF8": 0x00". Neither named the option nor said how to fix it, and
// both waited for the first run to fail. Refused where the pool is made, naming the option.

import { InvalidArgumentError } from '@gemloop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresBudgetPool } from './create-postgres-budget-pool.ts';

let connectionString: string;
beforeAll(async () => {
  connectionString = await freshDatabase('budget_values');
});
const pools: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
});

/** What making the pool and reserving from it gave: the error, or the hold's dollars. */
async function reserveFrom(options: { name: string; leaseMs?: number }): Promise<unknown> {
  try {
    const pool = createPostgresBudgetPool({ connectionString, maxCostUsd: 5, ...options });
    pools.push(pool);
    return (await pool.reserve(1)).usd;
  } catch (error) {
    return error;
  }
}

describe('createPostgresBudgetPool with values Postgres cannot take', () => {
  it('refuses a leaseMs past what Postgres can add to a date, naming it', async () => {
    const error = await reserveFrom({ name: 'lease', leaseMs: 1e300 });
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'leaseMs' });
  });

  it('takes the longest lease it allows', async () => {
    expect(await reserveFrom({ name: 'longest lease', leaseMs: 8.64e15 })).toBe(1);
  });

  it('refuses a name holding a NUL, naming it', async () => {
    const error = await reserveFrom({ name: 'team\u0000a' });
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'name' });
  });
});
