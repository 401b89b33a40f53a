import type { Cost } from '../../models/cost.ts';
import type { PricedCost } from '../../models/cost-total.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { AgentUsage } from '../../run/agent-result.ts';
import { version } from '../../version.ts';
import type { GroundingMetadata } from '../../wire/response.ts';

// why (brand): a registered symbol, so a DelegatedResult or DelegatedFailure made by another copy
// of @gemloop/core (a library's nested install, `@gemloop/serve` on its own core) is known here;
// its value is the maker's version, whose fields this copy can read only when it is its own.
const brand = Symbol.for('gemloop.delegated');

/** The brand's descriptor, one for every mark (a literal was made for each subagent call's result). */
const DELEGATED_BRAND: PropertyDescriptor = Object.freeze({ value: version });

/**
 * Marks `made` with this copy's version under the shared brand (not enumerable: JSON and copies of
 * the value show nothing of it).
 */
function markDelegated(made: object): void {
  Object.defineProperty(made, brand, DELEGATED_BRAND);
}

/**
 * The version of @gemloop/core that made `value` a delegated result or failure, when it is one
 * (any copy); `undefined` for any other value. Never throws (a tool may return a revoked proxy).
 * @internal
 */
export function delegatedVersionOf(value: unknown): string | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const made = (value as { [brand]?: unknown })[brand];
    return typeof made === 'string' ? made : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a fallback tool's `execute` returns: the function output plus what the loop records on
 * the call (grounding, usage of the extra model call).
 * @internal
 */
export class DelegatedResult {
  readonly output: Record<string, unknown>;
  readonly grounding: GroundingMetadata | undefined;
  readonly usage: AgentUsage;
  /**
   * What `usage` cost when the tool priced it itself (a subagent's run, at its own model's
   * prices); `undefined` to price it at the calling agent's model (the search fallback).
   */
  readonly cost: Cost | undefined;
  /**
   * `cost` as the tool's meter summed it (pico-dollars when known), or the meter itself (a
   * subagent's, then with no `cost`: the call's is the meter's total, written when read), when it
   * had one: the calling run adds this to its totals instead of parsing `cost`'s dollars back.
   */
  readonly priced: PricedCost | undefined;

  constructor(
    output: Record<string, unknown>,
    grounding: GroundingMetadata | undefined,
    usage: AgentUsage,
    cost?: Cost,
    priced?: PricedCost,
  ) {
    this.output = output;
    this.grounding = grounding;
    this.usage = usage;
    this.cost = cost;
    this.priced = priced;
    markDelegated(this);
  }
}

/**
 * `value` when it is a {@link DelegatedResult} made by any copy of this version of
 * @gemloop/core (a subagent tool a library made with its own copy), else `undefined`; never
 * throws (a revoked proxy). Another version's is not read here (see {@link delegatedVersionOf}).
 * @internal
 */
export function delegatedResultOf(value: unknown): DelegatedResult | undefined {
  try {
    if (value instanceof DelegatedResult) return value;
    // A failure returned rather than thrown is not a result.
    return delegatedVersionOf(value) === version && !(value instanceof Error)
      ? (value as DelegatedResult)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a tool's `execute` throws when the work it delegated failed (a subagent's child under
 * `onError: 'tell-model'`, a remote A2A agent's task that ended failed, rejected or canceled): the
 * call is a failed one, as a throwing tool's is (a `tool-error`, outcome `execution-error`, its
 * span an error, `toolErrors: 'throw'` ending the run with `cause` as the `ToolExecutionError`'s
 * cause, no `afterToolCall`), answered with `message` (already safe for the model: the delegate's
 * words, local details redacted, cut) unless the guardrails' `onToolError` rewrites it (it gets
 * `cause` and this message as its `defaultMessage`), and recorded with what the delegate spent
 * (`usage` unset when the tool cannot know it, as a remote agent's). `cause` is the delegate's
 * own error.
 * @internal
 */
export class DelegatedFailure extends Error {
  declare readonly usage: AgentUsage | undefined;
  declare readonly cost: Cost | undefined;
  declare readonly priced: CostPicos | Cost | undefined;

  constructor(
    message: string,
    cause: unknown,
    usage: AgentUsage | undefined,
    cost: Cost | undefined,
    priced: CostPicos | Cost | undefined,
  ) {
    super(message, { cause });
    // Not enumerable, as `message` and `cause` are not: the record's `cause` (this) goes into
    // events a caller may serialise, and JSON shows no more of it than of a plain `Error` (a
    // pico-dollar bigint would make JSON.stringify throw).
    Object.defineProperties(this, {
      usage: { value: usage },
      cost: { value: cost },
      priced: { value: priced },
    });
    markDelegated(this);
  }
}

/**
 * `error` when it is a delegated {@link DelegatedFailure}, else `undefined`; never throws (a
 * tool may throw a revoked proxy, which `instanceof` cannot read).
 * @internal
 */
export function delegatedFailureOf(error: unknown): DelegatedFailure | undefined {
  try {
    if (error instanceof DelegatedFailure) return error;
    // Another copy's of this version: the same fields (its `DelegatedFailure` is an `Error`).
    return error instanceof Error && delegatedVersionOf(error) === version
      ? (error as DelegatedFailure)
      : undefined;
  } catch {
    return undefined;
  }
}
