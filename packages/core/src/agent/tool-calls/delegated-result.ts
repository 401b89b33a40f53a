import type { Cost } from '../../models/cost.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { AgentUsage } from '../../run/agent-result.ts';
import type { GroundingMetadata } from '../../wire/response.ts';

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
   * `cost` as the tool's meter summed it (pico-dollars when known), when it had one: the calling
   * run adds this to its totals instead of parsing `cost`'s dollars back.
   */
  readonly priced: CostPicos | Cost | undefined;

  constructor(
    output: Record<string, unknown>,
    grounding: GroundingMetadata | undefined,
    usage: AgentUsage,
    cost?: Cost,
    priced?: CostPicos | Cost,
  ) {
    this.output = output;
    this.grounding = grounding;
    this.usage = usage;
    this.cost = cost;
    this.priced = priced;
  }
}
