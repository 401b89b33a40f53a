import { createAgent, createGemini } from '@gemloop/core';
import { BudgetReservationError, reserveBudget } from '@gemloop/core/budget';
import { PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import {
  createPostgresBudgetPool,
  type PostgresBudgetPool,
} from './create-postgres-budget-pool.ts';

// A fleet's shared budget in Postgres: "workers" here are separate pools of connections (as
// separate processes have), each with its own budget pool object over the same rows.

let databaseUrl: string;
const opened: PostgresBudgetPool[] = [];
beforeAll(async () => {
  databaseUrl = await freshDatabase('budget');
});
afterAll(async () => {
  await Promise.all(opened.map((pool) => pool.close()));
});

function worker(name: string, maxCostUsd: number, leaseMs?: number): PostgresBudgetPool {
  const pool = createPostgresBudgetPool({
    connectionString: databaseUrl,
    name,
    maxCostUsd,
    leaseMs,
  });
  opened.push(pool);
  return pool;
}

describe('createPostgresBudgetPool', () => {
  it('lets N starters on 4 workers, all at once, hold no more than the budget together', async () => {
    const workers = Array.from({ length: 4 }, () => worker('race', 1));
    // 24 reservations of $0.15 race for $1: exactly 6 fit.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, index) =>
        (workers[index % 4] as PostgresBudgetPool).reserve(0.15),
      ),
    );
    const held = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    expect(held).toHaveLength(6);
    expect(refused).toHaveLength(18);
    for (const error of refused) expect(BudgetReservationError.isInstance(error)).toBe(true);
    const state = await (workers[0] as PostgresBudgetPool).read();
    expect(state.reservedUsd).toBeCloseTo(0.9, 10);
    // Settled with what the runs cost: the rest comes back.
    await Promise.all(
      held.map((outcome, index) =>
        outcome.status === 'fulfilled'
          ? (workers[index % 4] as PostgresBudgetPool).settle(outcome.value, 0.05)
          : undefined,
      ),
    );
    // Settling again (a durable run after a crash) counts nothing more.
    const first = held[0];
    if (first?.status === 'fulfilled')
      await (workers[3] as PostgresBudgetPool).settle(first.value, 0.05);
    const after = await (workers[1] as PostgresBudgetPool).read();
    expect(after).toEqual({ spentUsd: expect.closeTo(0.3, 10), reservedUsd: 0, maxCostUsd: 1 });
    await expect((workers[2] as PostgresBudgetPool).reserve(0.7)).resolves.toMatchObject({
      usd: 0.7,
    });
  });

  it('runs agents on several workers at once without overspending, settled with their actual cost', async () => {
    // The model answers once all 9 runs asked for their hold: no run ends (and frees what it
    // held) before the last one asked, so all 9 start at once as far as the budget can tell.
    let asked = 0;
    let everyoneAsked: () => void = () => {};
    const allAsked = new Promise<void>((resolve) => {
      everyoneAsked = resolve;
    });
    const fake = createFakeGemini({
      script: async () => {
        await allAsked;
        return turn.text('OK');
      },
    });
    const { url } = await fake.listen();
    try {
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      const agents = Array.from({ length: 3 }, () => {
        const pool = worker('agents', 0.01);
        const counted = {
          ...pool,
          reserve: (usd: number) =>
            pool.reserve(usd).finally(() => {
              asked++;
              if (asked === 9) everyoneAsked();
            }),
        };
        return createAgent({
          gemini,
          model: 'gemini-3-flash-preview',
          plugins: [reserveBudget({ pool: counted, usd: 0.002 })],
        });
      });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 9 }, (_, index) =>
          (agents[index % 3] as (typeof agents)[number]).run('Hi'),
        ),
      );
      const done = outcomes.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      const refused = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason] : [],
      );
      expect(done).toHaveLength(5);
      for (const error of refused) {
        expect(PluginError.isInstance(error)).toBe(true);
        expect(BudgetReservationError.isInstance((error as PluginError).cause)).toBe(true);
      }
      expect(fake.modelRequests).toHaveLength(5);
      const state = await worker('agents', 0.01).read();
      expect(state.reservedUsd).toBe(0);
      expect(state.spentUsd).toBeCloseTo(
        done.reduce((sum, result) => sum + Number(result.cost.total), 0),
        12,
      );
    } finally {
      await fake.close();
    }
  });

  it('counts a hold whose run never settled (a killed worker) as spent once its lease ends', async () => {
    const crashed = worker('lease', 1, 0);
    const lost = await crashed.reserve(0.4); // its worker killed before settling
    await new Promise((resolve) => setTimeout(resolve, 20));
    const other = worker('lease', 1);
    expect(await other.read()).toEqual({ spentUsd: 0.4, reservedUsd: 0, maxCostUsd: 1 });
    await expect(other.reserve(0.7)).rejects.toSatisfy(BudgetReservationError.isInstance);
    const next = await other.reserve(0.6);
    expect(next).toMatchObject({ usd: 0.6 });
    // The run taken over settles the lost hold with what it really cost: only the difference
    // counts, once.
    await other.settle(lost, 0.1);
    await other.settle(lost, 0.1);
    expect(await other.read()).toEqual({ spentUsd: 0.1, reservedUsd: 0.6, maxCostUsd: 1 });
  });

  it('counts a cost that is no finite number >= 0 as the whole hold, held or expired', async () => {
    // $0 before: a run that reported NaN spent nothing, and the fleet's budget bounded nothing.
    const pool = worker('unknown-cost', 10);
    const actuals: unknown[] = [Number.NaN, -1, Number.POSITIVE_INFINITY, '0.2', undefined];
    for (const actual of actuals) await pool.settle(await pool.reserve(0.5), actual as number);
    expect(await pool.read()).toEqual({ spentUsd: 2.5, reservedUsd: 0, maxCostUsd: 10 });
    const expired = worker('unknown-cost', 10, 0);
    const lost = await expired.reserve(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pool.settle(lost, Number.NaN);
    expect(await pool.read()).toEqual({ spentUsd: 3.5, reservedUsd: 0, maxCostUsd: 10 });
  });
});
