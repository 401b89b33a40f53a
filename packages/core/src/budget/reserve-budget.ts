import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import type { AgentStep } from '../run/agent-result.ts';
import type { BudgetHold, BudgetPool } from './budget-pool.ts';

/** Options of {@link reserveBudget}. */
export type ReserveBudgetOptions = {
  /** The shared budget. */
  pool: BudgetPool;
  /**
   * US dollars to hold for a run: a number, or one from the run (its agent, model, input), such as
   * `estimateRun(...).costUsd.p90`. More than 0: a hold of $0 covers no model call and is refused
   * (`InvalidArgumentError` naming `reserveBudget.usd`, when made or, from a function, when the run
   * starts: nothing sent).
   */
  usd: number | ((run: PluginRun<undefined>) => number | Promise<number>);
};

type ReservationState = BudgetHold;

/**
 * A plugin that takes a run's share of a shared {@link BudgetPool} before its first model call,
 * keeps the run within it, and settles it with what the run cost when it ends (however it
 * ended). A run the pool cannot cover does not start: it fails with a `PluginError` (hook
 * `startRun`) whose `cause` is the {@link BudgetReservationError}. A run that spends its hold is
 * ended after that step (`finishReason: 'plugin'`, `stoppedBy.reason` says so), so no run spends
 * more than one step past its hold, and runs started at once never spend another's.
 * A step whose cost is unknown (no price for its model: give the agent's `prices`) ends the run
 * the same way, and the run is charged its whole hold.
 *
 * Not inherited: a subagent's calls count in its parent's cost (`step.costWithChildren`).
 * Durable: `startRun` is `recorded`, so a durable run's replay (after a crash) keeps the hold it
 * took rather than taking another, and the execution that takes the run over settles it.
 */
export function reserveBudget(options: ReserveBudgetOptions): AgentPlugin<ReservationState> {
  const { pool, usd } = options;
  if (typeof pool?.reserve !== 'function')
    throw new InvalidArgumentError({
      argument: 'reserveBudget.pool',
      message:
        'pool must be a BudgetPool (createBudgetPool, or createPostgresBudgetPool of @gemloop/dbos).',
    });
  if (typeof usd !== 'function' && (typeof usd !== 'number' || !(usd >= 0)))
    throw new InvalidArgumentError({
      argument: 'reserveBudget.usd',
      message: `usd must be US dollars >= 0, or a function of the run returning them; got ${describeValue(usd)}.`,
    });
  if (usd === 0) throw zeroHold();
  return definePlugin<ReservationState>({
    name: 'reserve-budget',
    recorded: ['startRun'],
    async startRun(run) {
      const amount = typeof usd === 'function' ? await usd(run) : usd;
      // Before the pool is asked: a hold of $0 holds nothing, and nothing is sent.
      if (amount === 0) throw zeroHold();
      const hold = await pool.reserve(amount);
      run.emit('reserved', { pool: pool.name, usd: hold.usd });
      // Plain JSON (a durable runner records it).
      return { id: hold.id, usd: hold.usd };
    },
    afterModelCall(step, run) {
      // The step joins run.steps when it ends, after its calls: count it from here.
      const spent = spentBy(run.steps.includes(step) ? run.steps : [...run.steps, step]);
      if (spent === undefined)
        run.finish(
          `a step's cost is unknown (no price for ${step.model ?? run.model}), so the run's share of "${pool.name}" counts as spent; give the agent's prices option`,
        );
      else if (spent >= run.state.usd)
        run.finish(`the run spent its reservation of $${run.state.usd} from "${pool.name}"`);
    },
    async endRun(run) {
      // A run that failed before startRun returned holds nothing.
      if (run.state === undefined) return;
      // An unknown spend is charged as the whole hold: $0 let every run of the pool go unbounded.
      const spent = spentBy(run.steps) ?? run.state.usd;
      await pool.settle(run.state, spent);
      run.emit('settled', { pool: pool.name, usd: spent, reservedUsd: run.state.usd });
    },
  });
}

/**
 * A hold of $0: the run is ended once it spent its hold, which is known only after a call, so a
 * hold of nothing let one paid call through (econ2). It covers no model call, so it is refused.
 */
function zeroHold(): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'reserveBudget.usd',
    message:
      'usd is $0, a hold that covers no model call (one would still be sent and paid for). Hold more than 0, or leave reserveBudget out of a run that should not spend from the pool.',
  });
}

/**
 * What the run's steps cost, their subagents' calls included; `undefined` once one cost is unknown
 * (no price for the model, a prices function's unusable price): counted as none, a run on a model
 * without a price spent nothing and the shared budget bounded nothing (attack-core9). As the
 * agent's own `maxCostUsd`, an unknown cost counts as over.
 */
function spentBy(steps: readonly AgentStep[]): number | undefined {
  let total = 0;
  for (const step of steps) {
    const cost = step.costWithChildren ?? step.cost;
    if (cost.total === null || cost.unknown !== undefined) return undefined;
    const value = Number(cost.total);
    if (!Number.isFinite(value)) return undefined;
    total += value;
  }
  return total;
}
