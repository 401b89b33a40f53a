import type { AgentResult, AgentUsage, AgentUsageByAgent } from '../../run/agent-result.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { addAgentUsage, emptyUsage } from '../usage.ts';
import type { Finish } from './next-step.ts';

/**
 * The result of a run that ended without an error: the history, steps and usage, and the last
 * step's answer. Emits `run-end`.
 * @internal
 */
export function finishRun<Output>(
  { run, emit, link }: RunContext<Output>,
  { finishReason, output, blocked, text, stoppedBy }: Finish<Output>,
): AgentResult<Output> {
  const last = run.steps[run.steps.length - 1];
  const state = run.state(false);
  const result = {
    contents: state.contents,
    newContents: state.newContents,
    steps: state.steps,
    usage: state.usage,
  } as AgentResult<Output>;
  // `cost` added in its place among the keys, the rest after it: an accessor put over a data
  // property of the literal made every result a dictionary (5 µs a run; helper step-run).
  run.defineCost(result);
  result.text = text ?? last?.text ?? '';
  result.output = output;
  result.finishReason = finishReason;
  result.rawFinishReason = last?.finishReason;
  result.finishMessage = last?.finishMessage;
  result.blocked = blocked;
  result.grounding = run.grounding;
  // A rewritten answer is the caller's text; the model's own parts stay in `contents`.
  result.parts = text !== undefined ? [{ text }] : (last?.content?.parts ?? []);
  result.usageByAgent = usageByAgent(state.usage, link.childUsage);
  result.handoffs = run.handoffs;
  if (stoppedBy !== undefined) result.stoppedBy = stoppedBy;
  if (state.compaction !== undefined) result.compaction = state.compaction;
  if (state.steering !== undefined) result.steering = state.steering;
  if (run.cacheReport !== undefined) result.cache = run.cacheReport;
  emit?.({ type: 'run-end', result });
  return result;
}

/** The run's own usage (the total less its children's), then its children's entries. */
function usageByAgent(total: AgentUsage, children: AgentUsageByAgent[]): AgentUsageByAgent[] {
  if (children.length === 0) return [{ path: [], usage: { ...total } }];
  const below = emptyUsage();
  for (const child of children) addAgentUsage(below, child.usage);
  const own: AgentUsage = {
    promptTokenCount: total.promptTokenCount - below.promptTokenCount,
    candidatesTokenCount: total.candidatesTokenCount - below.candidatesTokenCount,
    thoughtsTokenCount: total.thoughtsTokenCount - below.thoughtsTokenCount,
    toolUsePromptTokenCount: total.toolUsePromptTokenCount - below.toolUsePromptTokenCount,
    cachedContentTokenCount: total.cachedContentTokenCount - below.cachedContentTokenCount,
    totalTokenCount: total.totalTokenCount - below.totalTokenCount,
  };
  return [{ path: [], usage: own }, ...children];
}
