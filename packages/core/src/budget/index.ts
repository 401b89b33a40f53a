// @gemloop/core/budget: a budget shared by many runs, reserved before each run's first model call.

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
export {
  type BudgetHold,
  type BudgetPool,
  type BudgetPoolOptions,
  createBudgetPool,
} from './budget-pool.ts';
export { BudgetReservationError } from './budget-reservation-error.ts';
export { type ReserveBudgetOptions, reserveBudget } from './reserve-budget.ts';
