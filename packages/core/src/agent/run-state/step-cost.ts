import type { Cost } from '../../models/cost.ts';
import type { CostUsage, PriceModelCall } from '../../models/pricer.ts';
import type { CostPicos } from '../../models/usd.ts';
import { writeCost } from '../../models/write-cost.ts';
import { OnTarget } from './on-target.ts';

/**
 * What one model call cost, priced on first need: what pricing needs (the call's usage, the model
 * that served it, the tier, the agent's pricer), the price once asked (pico-dollars, for the run's
 * sums), and the {@link Cost} the step shows once read or assigned. The run's `CostTotal` keeps
 * it until its total is read (`CostTotal.addLater`).
 * @internal
 */
export class StepPrice {
  readonly #usage: CostUsage;
  readonly #model: string;
  readonly #tier: string | undefined;
  readonly #price: PriceModelCall;
  #priced: CostPicos | Cost | undefined;
  #cost: Cost | undefined;
  #written = false;

  constructor(usage: CostUsage, model: string, tier: string | undefined, price: PriceModelCall) {
    this.#usage = usage;
    this.#model = model;
    this.#tier = tier;
    this.#price = price;
  }

  /** The call's price as the pricer gave it (asked once). */
  priced(): CostPicos | Cost {
    this.#priced ??= this.#price(this.#usage, this.#model, this.#tier);
    return this.#priced;
  }

  /** The step's `cost`: the price written as dollars on first read, or what was assigned. */
  cost(): Cost {
    if (!this.#written) {
      this.#cost = writeCost(this.priced());
      this.#written = true;
    }
    return this.#cost as Cost;
  }

  /** Replaces the step's `cost` (the run's totals keep the call's price). */
  assign(cost: Cost): void {
    this.#cost = cost;
    this.#written = true;
  }
}

/**
 * A model step's `cost`: an own, enumerable accessor whose getter and setter every step shares
 * (one descriptor, {@link StepCost.property}), over a {@link StepPrice} kept in a private field of
 * the step itself. The step stays a plain object: a spread, `JSON.stringify`, `structuredClone`
 * and `toEqual` read the getter and see the same `Cost` a data property held; a frozen step still
 * reads (the private field is not frozen). Pricing the call and writing five dollar amounts in
 * every step was what most of the default step's gap to `d5ff9c8` was: without it the step took
 * 8-11 µs less on the ABBA (helper step-cut); a getter closure per step would cost more than it
 * saves (helper node-path, see `CallSignal`).
 * @internal
 */
export class StepCost extends OnTarget {
  readonly #price: StepPrice;

  private constructor(step: object, price: StepPrice) {
    super(step);
    this.#price = price;
  }

  /** The descriptor of a model step's `cost`. */
  static readonly property: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: object): Cost | undefined {
      return #price in this ? (this as StepCost).#price.cost() : undefined;
    },
    set(this: object, cost: Cost) {
      // As a data property of a frozen object refuses an assignment (in strict code: ESM).
      if (Object.isFrozen(this)) throw new TypeError("Cannot assign to 'cost' of a frozen step");
      if (#price in this) (this as StepCost).#price.assign(cost);
    },
  };

  /** Gives `step` its `cost` over `price`: to be called where the step's `cost` key belongs. */
  static define(step: object, price: StepPrice): void {
    new StepCost(step, price);
    Object.defineProperty(step, 'cost', StepCost.property);
  }

  /**
   * The price of a step's call as the run's sums take it (asked of the pricer now if it was not
   * yet), or `undefined` for a step without one (a resumed turn's, a copy's).
   */
  static pricedOf(step: object): CostPicos | Cost | undefined {
    return #price in step ? (step as StepCost).#price.priced() : undefined;
  }
}
