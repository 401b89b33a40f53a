// @gemloop/core/budget: a budget shared by many runs, reserved before each run's first model call.

export {
  type BudgetHold,
  type BudgetPool,
  type BudgetPoolOptions,
  createBudgetPool,
} from './budget-pool.ts';
export { BudgetReservationError } from './budget-reservation-error.ts';
export { type ReserveBudgetOptions, reserveBudget } from './reserve-budget.ts';
