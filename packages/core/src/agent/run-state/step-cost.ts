import type { Cost } from '../../models/cost.ts';
import type { CostPicos } from '../../models/usd.ts';
import { writeCost } from '../../models/write-cost.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { AgentConfig } from '../config/agent-config.ts';

/** What prices a step's call: the call's config (its model, its asked tier, its pricer). @internal */
export type StepPricing = Pick<AgentConfig<unknown>, 'model' | 'request' | 'price' | 'stepCost'>;

/**
 * A model step's `cost` descriptor, one per resolved config (see {@link stepCostProperty}): an
 * own, enumerable, configurable accessor whose getter prices the call from the step's own data
 * (its response's usage, the tier that served it, else the config's) at the config's model, by its
 * pricer, then puts the `Cost` on the step as a plain data property in the same key position, so
 * later reads, a spread, JSON and `toEqual` see data. A step that is frozen (or sealed) keeps the
 * accessor and prices on each read (the same strings). Every step of a config shares the getter
 * and setter (V8 shares the map); nothing is kept per step beside what a step already holds.
 * With the result's total summed on read too (RunTracker.defineCost), the default agent's step
 * took 7-10 µs less CPU than main `fa50399f` (ABBA, `run` on node: -10 with the A/A band ±4.9,
 * -7.2 with ±7.4; helper lazy-cost2, bench/RESULTS.md); private fields stamped on each step
 * instead (helper lazy-cost) cost ~6 µs a step of that.
 * @internal
 */
export type StepCostProperty = PropertyDescriptor & {
  /** The config it was made for (a config spread into another does not lend it its own). */
  readonly owner: object;
  /** The price of a step's call as the run's sums take it (pico-dollars, or a pricer's `Cost`). */
  readonly price: (step: AgentStep) => CostPicos | Cost;
};

/** The `cost` descriptor of `config`'s steps, made once and kept on the config. @internal */
export function stepCostProperty(config: StepPricing): StepCostProperty {
  const kept = config.stepCost;
  if (kept !== undefined && kept.owner === config) return kept as unknown as StepCostProperty;
  const made = makeStepCostProperty(config);
  if (Object.isExtensible(config)) config.stepCost = made;
  return made;
}

function makeStepCostProperty(config: StepPricing): StepCostProperty {
  const { model, price: pricer } = config;
  const asked = config.request.serviceTier;
  const price = (step: AgentStep): CostPicos | Cost =>
    pricer(step.response?.usageMetadata ?? {}, model, step.serviceTier ?? asked);
  return {
    owner: config,
    price,
    enumerable: true,
    configurable: true,
    get(this: AgentStep): Cost {
      const cost = writeCost(price(this));
      // false (nothing changed) on a frozen or sealed step: it prices again on the next read.
      Reflect.defineProperty(this, 'cost', costData(cost));
      return cost;
    },
    set(this: AgentStep, cost: Cost) {
      assignCost(this, cost, 'step');
    },
  };
}

/** `cost` as the plain data property a priced-on-read `cost` becomes. @internal */
export function costData(value: Cost): PropertyDescriptor {
  return { value, writable: true, enumerable: true, configurable: true };
}

/**
 * An assignment to a priced-on-read `cost` (a step's or a result's): it becomes that data
 * property, and a frozen or sealed object refuses it as it would refuse assigning a data
 * property (in strict code: ESM). @internal
 */
export function assignCost(
  target: object,
  cost: Cost,
  what: 'step' | 'result' | 'tool call',
): void {
  if (!Reflect.defineProperty(target, 'cost', costData(cost)))
    throw new TypeError(`Cannot assign to read only property 'cost' of a frozen ${what}`);
}
