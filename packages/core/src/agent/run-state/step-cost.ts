import type { Cost } from '../../models/cost.ts';
import type { CostUsage, PriceModelCall } from '../../models/pricer.ts';
import type { CostPicos } from '../../models/usd.ts';
import { writeCost } from '../../models/write-cost.ts';
import { OnTarget } from './on-target.ts';

/** What prices a step's call: the call's config (`AgentConfig`), its model and its pricer. @internal */
export type StepPricing = { readonly model: string; readonly price: PriceModelCall };

/**
 * A model step's `cost`, priced on first need: an own, enumerable accessor whose getter and
 * setter every step shares (one descriptor, {@link StepCost.property}), over what pricing needs
 * (the call's usage, the model that served it, the tier, the agent's pricer), the price once
 * asked (pico-dollars, for the run's sums: `CostTotal.addLater`) and the {@link Cost} once read or
 * assigned, all in private fields of the step itself. The step stays a plain object: a spread,
 * `JSON.stringify`, `structuredClone` and `toEqual` read the getter and see the same `Cost` a data
 * property held; a frozen step still reads (private fields are not frozen).
 *
 * Pricing the call and writing its five dollar amounts in every step was most of the default
 * step's gap to `d5ff9c8`: the step took 8-11 µs less without it (ABBA, helper step-cut). A getter
 * closure per step costs more than it saves (helper node-path, see `CallSignal`).
 * @internal
 */
export class StepCost extends OnTarget {
  readonly #usage: CostUsage;
  readonly #tier: string | undefined;
  /** The call's config: its model (the one that served the call) and its pricer. */
  readonly #call: StepPricing;
  #priced: CostPicos | Cost | undefined;
  /** The `Cost` read or assigned (an assigned `undefined` reads as the call's price again). */
  #cost: Cost | undefined;

  private constructor(step: object, usage: CostUsage, tier: string | undefined, call: StepPricing) {
    super(step);
    this.#usage = usage;
    this.#tier = tier;
    this.#call = call;
  }

  /** The descriptor of a model step's `cost`. */
  static readonly property: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: StepCost): Cost {
      this.#cost ??= writeCost(StepCost.pricedOf(this) as CostPicos | Cost);
      return this.#cost;
    },
    set(this: StepCost, cost: Cost) {
      // As a frozen object's data property refuses an assignment (in strict code: ESM).
      if (Object.isFrozen(this))
        throw new TypeError("Cannot assign to read only property 'cost' of a frozen step");
      this.#cost = cost;
    },
  };

  /**
   * Gives `step` its `cost`, the call's (`usage` at `tier` on the call's model, by its pricer):
   * called where the `cost` key belongs among the step's keys.
   */
  static define(step: object, usage: CostUsage, tier: string | undefined, call: StepPricing): void {
    new StepCost(step, usage, tier, call);
    Object.defineProperty(step, 'cost', StepCost.property);
  }

  /**
   * The price of a step's call as the run's sums take it, asked of the pricer once (now if not
   * yet); `undefined` for a step without one (a resumed turn's, a copy's).
   */
  static pricedOf(step: object): CostPicos | Cost | undefined {
    if (!(#call in step)) return undefined;
    const priced = step as StepCost;
    const call = priced.#call;
    priced.#priced ??= call.price(priced.#usage, call.model, priced.#tier);
    return priced.#priced;
  }
}
