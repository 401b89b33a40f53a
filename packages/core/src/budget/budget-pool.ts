import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  describeValue,
} from '../options/define-options.ts';
import { BudgetReservationError } from './budget-reservation-error.ts';

/**
 * A budget shared by many runs, taken before each run's first model call: `reserve(usd)` holds
 * the run's estimate (say `estimateRun(...).costUsd.p90`) or refuses with a
 * {@link BudgetReservationError} when the rest of the budget cannot cover it; `settle(hold,
 * actual)` then counts what the run cost and frees the hold. Runs started at once can therefore
 * never spend more than the budget together (each stays within its own hold: see
 * {@link reserveBudget}). {@link createBudgetPool} keeps one in memory (one process);
 * `createPostgresBudgetPool` of `@gemloop/dbos` keeps one in Postgres for a fleet.
 */
export interface BudgetPool {
  /** The pool's name (errors, events). */
  readonly name: string;
  /** Holds `usd` for one run, or refuses. */
  reserve(usd: number): Promise<BudgetHold>;
  /**
   * Counts what the hold's run cost (more or less than held) and frees the hold. Settling a hold
   * again does nothing, so a durable run that settles again after a crash counts once. A cost that
   * is no finite number >= 0 (NaN, negative, Infinity, not a number) counts as the whole hold, as
   * {@link reserveBudget} counts a step with an unknown cost: $0 would let a run that mispriced its
   * spend go unbounded, and a throw here (at the run's end) would lose the answer and leave the
   * hold held until it expires.
   */
  settle(hold: BudgetHold, actualUsd: number): Promise<void>;
  /** What was spent and what is held, in US dollars. */
  read(): Promise<{ spentUsd: number; reservedUsd: number; maxCostUsd: number }>;
}

/**
 * One run's hold on a {@link BudgetPool}: plain JSON, so a durable run records it with its
 * `startRun` and a replay settles the same hold instead of taking another.
 */
export type BudgetHold = {
  /** The hold's id in its pool. */
  readonly id: string;
  /** US dollars held. */
  readonly usd: number;
};

/** Options of {@link createBudgetPool}. */
export type BudgetPoolOptions = {
  /** Names the pool in errors. @defaultValue `'budget'` */
  name?: string | undefined;
  /** US dollars every run of the pool may cost together. */
  maxCostUsd: number;
};

// Unknown keys refused, naming the one meant (attack13): a misspelt option was ignored without a
// word. Each value is checked where it is read.
const budgetPoolKeys: DeclaredOptions<BudgetPoolOptions> = defineOptions<BudgetPoolOptions>({
  name: 'createBudgetPool',
  example: '{ maxCostUsd: 50 }',
  checks: { name: checkedWhereUsed, maxCostUsd: checkedWhereUsed },
});

/**
 * A {@link BudgetPool} in this process's memory.
 *
 * @example
 * ```ts
 * const pool = createBudgetPool({ maxCostUsd: 5 });
 * const agent = createAgent({ gemini, model, plugins: [reserveBudget({ pool, usd: 0.05 })] });
 * ```
 *
 * @throws {@link InvalidArgumentError} when `maxCostUsd` is not a number >= 0.
 */
export function createBudgetPool(options: BudgetPoolOptions): BudgetPool {
  budgetPoolKeys.check(options);
  const name = options?.name ?? 'budget';
  const maxCostUsd = checkUsd(options?.maxCostUsd, 'maxCostUsd');
  let spent = 0;
  let reserved = 0;
  // The holds not settled yet.
  const held = new Map<string, number>();
  return {
    name,
    async reserve(usd) {
      const requested = checkUsd(usd, 'usd');
      const available = maxCostUsd - spent - reserved;
      if (requested > available + 1e-12) {
        throw new BudgetReservationError({
          pool: name,
          requestedUsd: requested,
          availableUsd: available,
          maxCostUsd,
        });
      }
      reserved += requested;
      const id = globalThis.crypto.randomUUID();
      held.set(id, requested);
      return { id, usd: requested };
    },
    async settle(hold, actualUsd) {
      const usd = held.get(hold?.id);
      if (usd === undefined) return;
      held.delete(hold.id);
      // With no hold left nothing is held: binary fractions added and taken away leave 1e-17s.
      reserved = held.size === 0 ? 0 : reserved - usd;
      spent += settledUsd(actualUsd, usd);
    },
    async read() {
      return { spentUsd: spent, reservedUsd: reserved, maxCostUsd };
    },
  };
}

/**
 * What settling a hold of `heldUsd` counts as spent: `actualUsd` when it is a finite number >= 0,
 * else the whole hold (see {@link BudgetPool.settle}).
 */
function settledUsd(actualUsd: unknown, heldUsd: number): number {
  return typeof actualUsd === 'number' && Number.isFinite(actualUsd) && actualUsd >= 0
    ? actualUsd
    : heldUsd;
}

/** Checks a dollar amount: a finite number >= 0. @internal */
export function checkUsd(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be US dollars as a number >= 0; got ${describeValue(value)}.`,
    });
  }
  return value;
}
