import { GemloopError } from '../errors/gemloop-error.ts';

/**
 * A run could not reserve what it may cost from a shared budget (a {@link BudgetPool}): what is
 * left (the budget less what ran and what other runs hold) is less than the run asked for.
 * Nothing was sent. Start the run later (a reservation is released when its run ends), ask for
 * less, or raise the pool's `maxCostUsd`.
 */
export class BudgetReservationError extends GemloopError {
  override readonly code = 'budget-reservation';
  /** The pool's name. */
  readonly pool: string;
  /** US dollars the run asked to reserve. */
  readonly requestedUsd: number;
  /** US dollars left when it asked: the budget less what was spent and what is reserved. */
  readonly availableUsd: number;
  /** The pool's budget in US dollars. */
  readonly maxCostUsd: number;

  constructor({
    pool,
    requestedUsd,
    availableUsd,
    maxCostUsd,
  }: { pool: string; requestedUsd: number; availableUsd: number; maxCostUsd: number }) {
    super({
      message: `The budget pool "${pool}" cannot reserve $${requestedUsd} for a run: $${Math.max(0, availableUsd)} of its $${maxCostUsd} is left (spent and held by runs in flight). Start the run once others end, reserve less, or raise maxCostUsd.`,
    });
    this.pool = pool;
    this.requestedUsd = requestedUsd;
    this.availableUsd = availableUsd;
    this.maxCostUsd = maxCostUsd;
  }

  static override isInstance(error: unknown): error is BudgetReservationError {
    return GemloopError.hasCode(error, 'budget-reservation');
  }
}
