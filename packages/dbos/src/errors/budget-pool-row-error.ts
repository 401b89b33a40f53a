import { GemloopError } from '@gemloop/core';

/** Options of {@link BudgetPoolRowError}. */
export type BudgetPoolRowErrorOptions = {
  /** The pool's name. */
  pool: string;
  /** The column that is not an amount (`spent_usd`, `reserved_usd`). */
  column: string;
};

/** Longest pool name an error shows. */
const MAX_NAME_LENGTH = 100;

/**
 * A Postgres budget pool's row does not hold a budget: its amount spent or reserved is not a
 * finite number of dollars of at least 0 (`NaN`, which Postgres's `numeric` holds, or a negative
 * amount: a hand edit, an older bug). Nothing is reserved while it stays so: read as it was, `NaN`
 * granted every reservation, however large. Fix the row (`UPDATE gemloop_budget_pools SET ...`)
 * or delete it to start the pool over.
 */
export class BudgetPoolRowError extends GemloopError {
  override readonly code: string = 'budget-pool-row';
  /** The pool's name. */
  readonly pool: string;
  /** The column that is not an amount. */
  readonly column: string;

  constructor({ pool: given, column }: BudgetPoolRowErrorOptions) {
    const pool = given.length > MAX_NAME_LENGTH ? `${given.slice(0, MAX_NAME_LENGTH)}…` : given;
    super({
      message: `The budget pool "${pool}" cannot be used: its row's ${column} in gemloop_budget_pools is not an amount of US dollars of at least 0, so nothing is reserved. Fix the row, or delete it to start the pool over.`,
    });
    this.pool = pool;
    this.column = column;
  }

  /** Whether `error` is a {@link BudgetPoolRowError}, from any copy of the package. */
  static override isInstance(error: unknown): error is BudgetPoolRowError {
    return GemloopError.hasCode(error, 'budget-pool-row');
  }
}
