import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { type BudgetHold, checkUsd, createBudgetPool } from './budget-pool.ts';
import { BudgetReservationError } from './budget-reservation-error.ts';

// The in-memory budget pool: runs started at once never hold more than the budget together,
// a hold is settled once whatever happens, and bad amounts are refused with a typed error.

async function refusal(promise: Promise<unknown>): Promise<BudgetReservationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(BudgetReservationError.isInstance(error), String(error)).toBe(true);
  return error as BudgetReservationError;
}

describe('createBudgetPool', () => {
  it('holds what runs reserve and refuses the run that would go past the budget', async () => {
    const pool = createBudgetPool({ name: 'team', maxCostUsd: 1 });
    await pool.reserve(0.6);
    await pool.reserve(0.3);
    const error = await refusal(pool.reserve(0.2));
    expect(error.pool).toBe('team');
    expect(error.requestedUsd).toBe(0.2);
    expect(error.availableUsd).toBeCloseTo(0.1, 12);
    expect(error.maxCostUsd).toBe(1);
    expect(error.message).toContain('budget pool "team" cannot reserve $0.2');
    const read = await pool.read();
    expect(read.spentUsd).toBe(0);
    expect(read.reservedUsd).toBeCloseTo(0.9, 12);
  });

  it('lets holds fill the budget exactly, despite binary fractions (0.1 + 0.2)', async () => {
    const pool = createBudgetPool({ maxCostUsd: 0.3 });
    await pool.reserve(0.1);
    await pool.reserve(0.2);
    await expect(pool.reserve(0)).resolves.toMatchObject({ usd: 0 });
    await refusal(pool.reserve(0.000_001));
  });

  it('never lets concurrent reservations together pass the budget', async () => {
    const pool = createBudgetPool({ maxCostUsd: 1 });
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => pool.reserve(0.05)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(20);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(30);
    const { reservedUsd } = await pool.read();
    expect(reservedUsd).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('gives each hold its own id, and settles what the run cost, freeing the hold', async () => {
    const pool = createBudgetPool({ maxCostUsd: 1 });
    const first = await pool.reserve(0.5);
    const second = await pool.reserve(0.5);
    expect(first.id).not.toBe(second.id);
    await refusal(pool.reserve(0.1));
    await pool.settle(first, 0.2);
    expect(await pool.read()).toEqual({ spentUsd: 0.2, reservedUsd: 0.5, maxCostUsd: 1 });
    // 1 - 0.2 spent - 0.5 held: 0.3 is left.
    await pool.reserve(0.3);
    await refusal(pool.reserve(0.01));
  });

  it('counts a run that cost more than it held: the pool is then over, and refuses all', async () => {
    const pool = createBudgetPool({ maxCostUsd: 1 });
    const hold = await pool.reserve(0.1);
    await pool.settle(hold, 1.5);
    expect((await pool.read()).spentUsd).toBe(1.5);
    const error = await refusal(pool.reserve(0));
    // The message never shows a negative amount left.
    expect(error.message).toContain('$0 of its $1 is left');
  });

  it('settles a hold once: a replay after a crash does not count the run twice', async () => {
    const pool = createBudgetPool({ maxCostUsd: 1 });
    const hold = await pool.reserve(0.4);
    await pool.settle(hold, 0.3);
    await pool.settle(hold, 0.3);
    await pool.settle({ ...hold }, 0.3);
    expect(await pool.read()).toEqual({ spentUsd: 0.3, reservedUsd: 0, maxCostUsd: 1 });
  });

  it('ignores a hold it never gave, and a missing hold, without throwing', async () => {
    const pool = createBudgetPool({ maxCostUsd: 1 });
    await pool.reserve(0.5);
    await pool.settle({ id: 'forged', usd: 0.5 }, 0.1);
    await pool.settle(undefined as unknown as BudgetHold, 0.1);
    await pool.settle({ id: '__proto__', usd: 1 }, 0.1);
    expect(await pool.read()).toEqual({ spentUsd: 0, reservedUsd: 0.5, maxCostUsd: 1 });
  });

  it('counts a cost that is no finite number >= 0 as the whole hold, as reserveBudget counts an unknown cost', async () => {
    // $0 before: a run that reported NaN spent nothing, and the pool bounded nothing.
    const pool = createBudgetPool({ maxCostUsd: 10 });
    const actuals: unknown[] = [Number.NaN, -1, Number.POSITIVE_INFINITY, '0.2', undefined, null];
    for (const actual of actuals) await pool.settle(await pool.reserve(0.5), actual as number);
    expect(await pool.read()).toEqual({ spentUsd: 3, reservedUsd: 0, maxCostUsd: 10 });
    await pool.settle(await pool.reserve(0.5), 0);
    expect((await pool.read()).spentUsd).toBe(3);
  });

  it('holds exactly nothing once every hold is settled, however many fractions came and went', async () => {
    const pool = createBudgetPool({ maxCostUsd: 10 });
    const holds: BudgetHold[] = [];
    for (let index = 0; index < 100; index++)
      holds.push(await pool.reserve(0.01 * ((index % 7) + 1)));
    for (const hold of holds.reverse()) await pool.settle(hold, 0);
    expect((await pool.read()).reservedUsd).toBe(0);
  });

  it('holds a hold as plain JSON, so a durable run can record it and settle it after a restart', async () => {
    const pool = createBudgetPool({ maxCostUsd: 1 });
    const hold = await pool.reserve(0.25);
    const replayed = JSON.parse(JSON.stringify(hold)) as BudgetHold;
    expect(replayed).toEqual(hold);
    await pool.settle(replayed, 0.25);
    expect(await pool.read()).toEqual({ spentUsd: 0.25, reservedUsd: 0, maxCostUsd: 1 });
  });

  it('refuses a budget or a reservation that is no finite number >= 0, naming it', async () => {
    for (const maxCostUsd of [-0.01, Number.NaN, Number.POSITIVE_INFINITY, '5', undefined, null]) {
      expect(() => createBudgetPool({ maxCostUsd } as never), String(maxCostUsd)).toThrow(
        /maxCostUsd must be US dollars as a number >= 0/,
      );
    }
    const pool = createBudgetPool({ maxCostUsd: 1 });
    await expect(pool.reserve(-1)).rejects.toThrow(InvalidArgumentError);
    await expect(pool.reserve('0.1' as never)).rejects.toThrow(/usd must be US dollars/);
    expect(await pool.read()).toEqual({ spentUsd: 0, reservedUsd: 0, maxCostUsd: 1 });
  });

  it('takes a budget of 0: only zero-dollar reservations pass', async () => {
    const pool = createBudgetPool({ maxCostUsd: 0 });
    await expect(pool.reserve(0)).resolves.toMatchObject({ usd: 0 });
    await refusal(pool.reserve(0.001));
  });

  it('answers a missing options object with a typed error, not a TypeError', () => {
    expect(() => createBudgetPool(undefined as never)).toThrow(InvalidArgumentError);
  });
});

describe('checkUsd', () => {
  it('returns a valid amount as given, 0 included', () => {
    expect(checkUsd(0, 'x')).toBe(0);
    expect(checkUsd(12.5, 'x')).toBe(12.5);
  });

  it('names the argument and the value, even a value with no string form', () => {
    const error = (() => {
      try {
        checkUsd(Object.create(null), 'limits.usd');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('limits.usd');
    expect(() => checkUsd(10n, 'usd')).toThrow(/got 10/);
    expect(() => checkUsd(Symbol('s'), 'usd')).toThrow(InvalidArgumentError);
  });
});
