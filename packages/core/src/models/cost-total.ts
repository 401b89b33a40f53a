import { COST_PARTS, type Cost, unknownCost, unreadableAmount } from './cost.ts';
import {
  addPicos,
  type CostPicos,
  dollarsToPicos,
  type Picos,
  picosToDollars,
  toPicos,
} from './usd.ts';
import { isPicos } from './write-cost.ts';

/**
 * A cost as {@link CostTotal.addPriced} takes it: priced (pico-dollars, or a {@link Cost}), or
 * another running total whose sum is taken when this total is read (a subagent call's meter: its
 * run's model steps are priced only when something reads a total they are in).
 * @internal
 */
export type PricedCost = CostPicos | Cost | CostTotal;

/** The five amounts of a {@link Cost}, in pico-dollars (a running sum). */
type PicosSum = { -readonly [Key in keyof CostPicos]: CostPicos[Key] };

/**
 * What prices a cost added by `CostTotal.addLater` when the total needs it (a model step's, see
 * `StepCost.pricedOf`: asked once, the same answer after); `undefined` adds nothing.
 * @internal
 */
export type PriceLater = (entry: object) => CostPicos | Cost | undefined;

/**
 * A running total of costs that several runs can share: a chat session keeps one across turns,
 * and a parent agent can hand one to its subagents so a budget holds for the whole tree (each
 * run `add`s its steps' costs; each checks `exceeds` before going on). Exact (see `usd.ts`);
 * once an unknown cost is added the total is unknown.
 */
export class CostTotal {
  // Kept in pico-dollars and written out as dollars only when read: a run adds every step's cost
  // but reads the total only for a stop condition or at its end. Adding decimal strings
  // (addCosts) per step was 2-3% of the bench's CPU per step (issue lean, --cpu-prof of seq5).
  #picos: PicosSum | undefined;
  /** The first unknown cost added (the total is that from then on). */
  #unknown: Cost | undefined;
  #written: Cost | undefined;
  /**
   * Costs added by {@link addLater} and not yet summed, in the order they were added: a run's
   * model steps, priced when the total is first read (its end, an error, a stop condition) and
   * not in each step.
   */
  #later: (object | PriceLater)[] | undefined;

  constructor(start?: Cost) {
    if (start === undefined)
      this.#picos = { total: 0, input: 0, cachedInput: 0, output: 0, thinking: 0 };
    else this.#set(start);
  }

  /** Adds one cost (a step's, a run's). */
  add(cost: Cost): void {
    this.#settle();
    if (this.#picos === undefined) return;
    if (cost.unknown !== undefined) {
      this.#set(cost);
      return;
    }
    const picos = readPicos(cost);
    if (picos === undefined) {
      this.#set(unreadableCost(cost));
      return;
    }
    addInto(this.#picos, picos);
    this.#written = undefined;
  }

  /**
   * Adds a cost as `costPicosOf` priced it: a known one in pico-dollars is added as it is, where
   * {@link add} parses the dollars of a {@link Cost} back (that parse was 1.5 KB of garbage and a
   * few microseconds a model call in the bench's seq5 loop: issue 27).
   * @internal
   */
  addPriced(priced: PricedCost): void {
    // Behind costs still to be priced, queued after them rather than pricing them now: the sum
    // and its order are the same when read, and a total nobody reads prices nothing. A subagent
    // call's spending added to its parent's run priced the parent's model step here (and the
    // step was priced again for `costWithChildren`: helper subagent49).
    if (this.#later !== undefined) {
      this.#later.push(priced, isCostTotal(priced) ? pricedOfTotal : pricedAlready);
      return;
    }
    if (this.#picos === undefined) return;
    const cost = isCostTotal(priced) ? priced.priced : priced;
    if (!isPicos(cost)) {
      this.add(cost);
      return;
    }
    const picos = cost;
    addInto(this.#picos, picos);
    this.#written = undefined;
  }

  /**
   * The total so far as {@link addPriced} takes it: pico-dollars (a copy) when known, else the
   * unknown {@link Cost}. A caller that adds this total to another (a subagent call's spending to
   * its parent run's) passes it on without writing it out as dollars and parsing them back.
   * @internal
   */
  get priced(): CostPicos | Cost {
    this.#settle();
    if (this.#picos === undefined) return this.#unknown ?? unknownCost('unknown price');
    return { ...this.#picos };
  }

  /** The total so far (a copy). */
  get total(): Cost {
    this.#settle();
    this.#written ??= this.#write();
    return { ...this.#written };
  }

  /**
   * Whether the total is over `usd` dollars. An unknown total counts as over: a budget that
   * cannot be measured stops the spending rather than letting it run unbounded.
   */
  exceeds(usd: number | string): boolean {
    this.#settle();
    if (this.#picos === undefined) return true;
    const limit = dollarsToPicos(usd);
    return limit === undefined || this.#picos.total > limit;
  }

  /**
   * Adds the cost of `entry`, priced by `price` only when the total is read (or another cost is
   * added after it, so the sums keep the order of the calls: the first unknown reason stays the
   * first call's). Nothing a reader sees changes; the pricing leaves the step (see `StepCost`).
   * @internal
   */
  addLater(entry: object, price: PriceLater): void {
    this.#later ??= [];
    this.#later.push(entry, price);
  }

  /** Whether costs {@link addLater} kept wait to be priced. @internal */
  get waits(): boolean {
    return this.#later !== undefined;
  }

  /** Sums the costs {@link addLater} kept, in order. */
  #settle(): void {
    const later = this.#later;
    if (later === undefined) return;
    this.#later = undefined;
    for (let index = 0; index < later.length; index += 2) {
      const priced = (later[index + 1] as PriceLater)(later[index] as object);
      if (priced !== undefined) this.addPriced(priced);
    }
  }

  #set(cost: Cost): void {
    if (cost.unknown !== undefined) {
      this.#picos = undefined;
      this.#unknown = cost;
    } else {
      const picos = readPicos(cost);
      if (picos === undefined) {
        this.#set(unreadableCost(cost));
        return;
      }
      this.#picos = picos;
    }
    this.#written = undefined;
  }

  #write(): Cost {
    const picos = this.#picos;
    if (picos === undefined) return this.#unknown ?? unknownCost('unknown price');
    return {
      currency: 'USD',
      total: picosToDollars(picos.total),
      input: picosToDollars(picos.input),
      cachedInput: picosToDollars(picos.cachedInput),
      output: picosToDollars(picos.output),
      thinking: picosToDollars(picos.thinking),
    };
  }
}

/** The {@link PriceLater} of a cost queued already priced (see `CostTotal.addPriced`). */
const pricedAlready: PriceLater = (entry) => entry as CostPicos | Cost;

/** The {@link PriceLater} of a running total queued (see `CostTotal.addPriced`): its sum then. */
const pricedOfTotal: PriceLater = (entry) => (entry as CostTotal).priced;

/** Adds `picos` to `sum`, part by part, exactly (see `addPicos`). */
function addInto(sum: PicosSum, picos: CostPicos): void {
  sum.total = addPicos(sum.total, picos.total);
  sum.input = addPicos(sum.input, picos.input);
  sum.cachedInput = addPicos(sum.cachedInput, picos.cachedInput);
  sum.output = addPicos(sum.output, picos.output);
  sum.thinking = addPicos(sum.thinking, picos.thinking);
}

/**
 * As `addCosts` reads an amount: missing is 0, unreadable `undefined` (the total becomes unknown:
 * counted as 0 it would be silently wrong).
 */
function picosOf(dollars: string | null | undefined): Picos | undefined {
  // The parts a step without cache or thinking has: no regex, no BigInt parse.
  if (dollars === null || dollars === undefined || dollars === '0') return 0;
  const picos = dollarsToPicos(dollars);
  return picos === undefined ? undefined : toPicos(picos);
}

/** A known cost's five amounts in pico-dollars, or `undefined` when one is not dollars. */
function readPicos(cost: Cost): PicosSum | undefined {
  const total = picosOf(cost.total);
  const input = picosOf(cost.input);
  const cachedInput = picosOf(cost.cachedInput);
  const output = picosOf(cost.output);
  const thinking = picosOf(cost.thinking);
  if (
    total === undefined ||
    input === undefined ||
    cachedInput === undefined ||
    output === undefined ||
    thinking === undefined
  ) {
    return undefined;
  }
  return { total, input, cachedInput, output, thinking };
}

/** The unknown cost of a cost with an amount that is not dollars, naming the first such amount. */
function unreadableCost(cost: Cost): Cost {
  const part = COST_PARTS.find((key) => picosOf(cost[key]) === undefined) ?? 'total';
  return unknownCost(unreadableAmount(part, cost[part]));
}

/**
 * Whether `priced` is a running total, of this copy of @gemloop/core or another's (a subagent tool
 * made with a library's own copy hands its meter over): read by its members, not `instanceof`.
 * @internal
 */
export function isCostTotal(priced: PricedCost): priced is CostTotal {
  return 'waits' in priced && 'priced' in priced && typeof priced.exceeds === 'function';
}
