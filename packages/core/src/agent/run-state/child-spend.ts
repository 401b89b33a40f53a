import type { Cost } from '../../models/cost.ts';
import { CostTotal } from '../../models/cost-total.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { AgentUsage, AgentUsageByAgent } from '../../run/agent-result.ts';
import { addAgentUsage, emptyUsage } from '../usage.ts';

/**
 * What one child run (a subagent call) spent so far, kept up to date as its model calls are
 * counted, whatever way the child ends. The run that called it reads it when the call ends: a
 * child that failed, was aborted or timed out has no result to report its usage with, yet what
 * its model calls returned was billed (issue 31: spent is spent). An in-process child adds to it
 * through its `RunTracker`; a durable runner adds what its child workflow recorded. @internal
 */
export class ChildSpend {
  /** The child's path segment below the calling run, e.g. `research#2`. */
  readonly segment: string;
  /** Every token the child's tree used (its own calls and its children's). */
  readonly usage: AgentUsage = emptyUsage();
  /** What `usage` cost, each call at its own model's prices. */
  readonly cost: CostTotal = new CostTotal();
  /**
   * The usage of each run below the child, relative to the child's path: the child run's own
   * `RunLink.childUsage` (the same array), for the per-agent split.
   */
  readonly children: AgentUsageByAgent[] = [];
  /** Whether anything was added (a child that never called a model reports no usage). */
  counted = false;

  constructor(segment: string) {
    this.segment = segment;
  }

  /** Counts one model call (or a tool's, or a grandchild's run) of the child. */
  add(usage: AgentUsage, cost: Cost | CostPicos): void {
    addAgentUsage(this.usage, usage);
    this.cost.addPriced(cost);
    this.counted = true;
  }

  /**
   * The split by agent relative to the calling run: the child's own usage (its total less its
   * children's), then each run below it under the child's segment.
   */
  byAgent(): AgentUsageByAgent[] {
    const own = { ...this.usage };
    const entries: AgentUsageByAgent[] = [{ path: [this.segment], usage: own }];
    for (const child of this.children) {
      own.promptTokenCount -= child.usage.promptTokenCount;
      own.candidatesTokenCount -= child.usage.candidatesTokenCount;
      own.thoughtsTokenCount -= child.usage.thoughtsTokenCount;
      own.toolUsePromptTokenCount -= child.usage.toolUsePromptTokenCount;
      own.cachedContentTokenCount -= child.usage.cachedContentTokenCount;
      own.totalTokenCount -= child.usage.totalTokenCount;
      entries.push({ path: [this.segment, ...child.path], usage: child.usage });
    }
    return entries;
  }
}

/**
 * Gives the record of a subagent call that ended without a result of its own (it failed, was
 * aborted, timed out, or ended the run) what its child had spent by then, and the per-agent split,
 * as a child's result gives them: the run then counts it in its usage, cost, step and spans. A
 * call whose tool reported its usage (a result) keeps it.
 *
 * @returns the cost it gave the record, as its meter summed it (for the run's totals), else
 *   `undefined`.
 * @internal
 */
export function settleChildSpend(
  // The two fields of the run's `RunLink` it reads (a type of its own: run-link.ts imports this).
  link: { readonly callSpend: Map<number, ChildSpend>; readonly childUsage: AgentUsageByAgent[] },
  index: number,
  record: { usage?: AgentUsage | undefined; cost?: Cost | undefined },
): CostPicos | Cost | undefined {
  const spend = link.callSpend.get(index);
  if (spend === undefined) return undefined;
  link.callSpend.delete(index);
  if (record.usage !== undefined || !spend.counted) return undefined;
  record.usage = { ...spend.usage };
  record.cost = spend.cost.total;
  for (const entry of spend.byAgent()) link.childUsage.push(entry);
  return spend.cost.priced;
}
