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
  const usage = emptyUsage();
  if (metadata !== undefined) addUsageMetadata(usage, metadata);
  return usage;
}

/** Adds `metadata` into `total` in place. @internal */
export function addUsageMetadata(total: AgentUsage, metadata: UsageMetadata | AgentUsage): void {
  total.promptTokenCount += count(metadata.promptTokenCount);
  total.candidatesTokenCount += count(metadata.candidatesTokenCount);
  total.thoughtsTokenCount += count(metadata.thoughtsTokenCount);
  total.toolUsePromptTokenCount += count(metadata.toolUsePromptTokenCount);
  total.cachedContentTokenCount += count(metadata.cachedContentTokenCount);
  total.totalTokenCount += count(metadata.totalTokenCount);
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
