import type { AgentUsage } from '../run/agent-result.ts';
import type { UsageMetadata } from '../wire/response.ts';

/** Zero usage. @internal */
export function emptyUsage(): AgentUsage {
  return {
    promptTokenCount: 0,
    candidatesTokenCount: 0,
    thoughtsTokenCount: 0,
    toolUsePromptTokenCount: 0,
    cachedContentTokenCount: 0,
    totalTokenCount: 0,
  };
}

/** The usage of one response; a count the API did not report is 0. @internal */
export function toAgentUsage(metadata: UsageMetadata | undefined): AgentUsage {
  if (metadata === undefined) return emptyUsage();
  // Read straight into a new object in emptyUsage's key order: the wire's metadata comes in many
  // shapes, and reading it here only keeps those shapes out of the sums below.
  return {
    promptTokenCount: count(metadata.promptTokenCount),
    candidatesTokenCount: count(metadata.candidatesTokenCount),
    thoughtsTokenCount: count(metadata.thoughtsTokenCount),
    toolUsePromptTokenCount: count(metadata.toolUsePromptTokenCount),
    cachedContentTokenCount: count(metadata.cachedContentTokenCount),
    totalTokenCount: count(metadata.totalTokenCount),
  };
}

/**
 * Adds `usage` into `total` in place. Both are gemloop's own six counts (a response's metadata
 * goes through {@link toAgentUsage} first): one sum took the wire's metadata too, and its reads,
 * seeing every response shape, were several times as slow in a run with subagents (toAgentUsage
 * 2.1 against 0.2 us a run in the CPU profiles of subagent-bench.ts). A count that is not a finite
 * number of at least 0 (a usage read back from a database row) adds 0. @internal
 */
export function addAgentUsage(total: AgentUsage, usage: AgentUsage): void {
  total.promptTokenCount += count(usage.promptTokenCount);
  total.candidatesTokenCount += count(usage.candidatesTokenCount);
  total.thoughtsTokenCount += count(usage.thoughtsTokenCount);
  total.toolUsePromptTokenCount += count(usage.toolUsePromptTokenCount);
  total.cachedContentTokenCount += count(usage.cachedContentTokenCount);
  total.totalTokenCount += count(usage.totalTokenCount);
}

// A negative count (a usage read back from a hand-edited row, an older copy's error) would lower
// a sum a budget is checked against: it adds 0, as a missing one does.
function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
