import type { Cost } from '../../models/cost.ts';
import { costOf } from '../../models/cost-of.ts';
import type { AgentStep, AgentToolCall, AgentUsage } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import { SubagentError } from '../errors/subagent-error.ts';
import { TreeBudgetError } from '../errors/tree-budget-error.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { startsChildRuns } from '../run-state/run-link.ts';
import { executeToolCalls, type ToolCallsResult } from './execute-tool-calls.ts';

/**
 * Runs the function calls of a model turn already in the history (see {@link executeToolCalls}:
 * all of them, concurrently up to `toolConcurrency`, each answered even when aborted) and appends
 * the answers right after it: one user content with a `functionResponse` per call, then, for a
 * model without multimodal function responses, one with the media. The step gets its calls, the
 * response content and the time they took; the run, what the calls used and grounded. Whether the
 * run goes on is for `resolveAnsweredCalls` to say, once the step has ended.
 * @internal
 */
export async function runTools<Output>(
  { config, run, signal, emit, observation, link, guardrails, recordGuardrail }: RunContext<Output>,
  step: AgentStep,
  turn: Content,
): Promise<ToolCallsResult> {
  const startedAt = config.now();
  const result = await executeToolCalls({
    config,
    content: turn,
    stepNumber: step.stepNumber,
    contents: run.contents,
    signal,
    emit,
    observation,
    link,
    guardrails,
    recordGuardrail,
  });
  if (result.ending !== undefined) {
    // The run ends with that error as it is: nothing of this turn goes into the history, but
    // what its calls spent was spent (a subagent that ended the tree billed its model calls).
    countCalls(config, run, link, result.toolCalls);
    const error = result.ending.error;
    // Climbing the tree, the error carries the total of each run it ends, the last the top's
    // (a TreeBudgetError's `cost` is the tree budget's own total already).
    if (SubagentError.isInstance(error)) {
      const spent = error as { usage: AgentUsage; cost: Cost | undefined };
      spent.usage = { ...run.usage };
      spent.cost = run.cost.total;
    } else if (TreeBudgetError.isInstance(error)) {
      (error as { usage: AgentUsage }).usage = { ...run.usage };
    }
    throw error;
  }
  run.append(result.responseContent);
  if (result.extraContent !== undefined) run.append(result.extraContent);
  step.toolCalls = result.toolCalls;
  step.toolResponseContent = result.responseContent;
  step.toolsMs = config.now() - startedAt;
  countCalls(config, run, link, result.toolCalls);
  return result;
}

/** Counts what the calls used (a subagent's run, a tool's own model calls) and grounded. */
function countCalls<Output>(
  config: RunContext<Output>['config'],
  run: RunContext<Output>['run'],
  link: RunContext<Output>['link'],
  toolCalls: readonly (AgentToolCall | undefined)[],
): void {
  for (const call of toolCalls) {
    if (call === undefined) continue;
    // A tool's own model calls (the 2.x search fallback) use the agent's model and tier.
    if (call.usage !== undefined) {
      // A subagent's run was priced at its own model (it may not be this agent's).
      const cost =
        call.cost ?? costOf(call.usage, config.model, config.request.serviceTier, config.prices);
      run.addUsage(call.usage, cost);
      // The tree's cost budget counts every model call, a tool's own ones too; a subagent's
      // calls are its child run's, which counted each of them already.
      if (link.budget !== undefined) {
        const tool = config.tools.functions.get(call.toolName);
        if (tool === undefined || !startsChildRuns(tool)) link.budget.cost.add(cost);
      }
    }
    if (call.grounding !== undefined) run.grounding.push(call.grounding);
  }
}
