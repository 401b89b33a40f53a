import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import { COST_PARTS, type Cost, unknownCost } from '../../models/cost.ts';
import type { AgentUsage } from '../../run/agent-result.ts';
import { version } from '../../version.ts';
import { emptyUsage } from '../usage.ts';
import type { DelegatedResult } from './delegated-result.ts';
import { delegatedVersionOf } from './delegated-result.ts';

/**
 * The refusal of a subagent's (or remote agent's) result made by another *version* of
 * @gemloop/core, as an invalid result (`{ invalid }`, the shape `answerWithResult` refuses in);
 * `undefined` for any other value. A copy of this version's result is read as this copy's
 * (`delegatedResultOf`); another version's fields may differ, and sending its wrapper as the
 * answer would hand the model `{ output, usage, cost }` and count the child's usage twice.
 *
 * The child ran and was billed all the same: when its `usage` reads as the six plain counts
 * (finite, ≥ 0) they come back as `spent.usage`, to be counted in the calling run's totals, with
 * its `cost` when that reads as a `Cost` (amounts `CostTotal` checks), else an unknown cost
 * naming the version (never the calling model's price, a guess). A usage of any other shape
 * counts nothing.
 * @internal
 */
export function otherCopyResultError(
  toolName: string,
  delegated: DelegatedResult | undefined,
  value: unknown,
): { invalid: InvalidToolResultError; spent?: { usage: AgentUsage; cost: Cost } } | undefined {
  if (delegated !== undefined) return undefined;
  const made = delegatedVersionOf(value);
  if (made === undefined || value instanceof Error) return undefined;
  const refusal = {
    invalid: new InvalidToolResultError({
      toolName,
      path: [],
      // Kept short: this is on every app's path (bench/src/bundle-size); the loop's wording adds
      // the tool's name.
      message: `two copies of @gemloop/core (${made}, ${version}); install one version (npm dedupe)`,
    }),
  };
  const spent = otherVersionSpendOf(value);
  return spent === undefined ? refusal : { ...refusal, spent };
}

/**
 * What a subagent's child spent, read from the result or thrown `DelegatedFailure` of another
 * *version* of @gemloop/core: its `usage` when it reads as the six plain counts (finite, ≥ 0),
 * with its `cost` when that reads as a `Cost` (amounts `CostTotal` checks), else an unknown cost
 * naming the version (never the calling model's price, a guess). `undefined` for a usage of any
 * other shape, for this version's own (read as they are) and for anything unbranded.
 * @internal
 */
export function otherVersionSpendOf(value: unknown): { usage: AgentUsage; cost: Cost } | undefined {
  const made = delegatedVersionOf(value);
  if (made === undefined || made === version) return undefined;
  try {
    const { usage, cost } = value as { usage?: Record<string, unknown>; cost?: Cost };
    // The six counts every version has written (emptyUsage's keys), each a plain number ≥ 0.
    const counts = emptyUsage();
    for (const key of Object.keys(counts) as (keyof AgentUsage)[]) {
      const count = usage?.[key];
      if (typeof count !== 'number' || !(count >= 0 && count < Infinity)) return undefined;
      counts[key] = count;
    }
    // Its amounts only (no other field of the foreign object reaches the record); one that is
    // not a decimal string (an unknown cost's null) makes the sums unknown (CostTotal).
    const read = (
      cost?.currency === 'USD'
        ? { currency: 'USD', ...Object.fromEntries(COST_PARTS.map((part) => [part, cost[part]])) }
        : unknownCost(`a child of @gemloop/core ${made} gave no cost`)
    ) as Cost;
    return { usage: counts, cost: read };
  } catch {
    // A getter that threw, a revoked proxy: nothing of it is counted.
    return undefined;
  }
}
