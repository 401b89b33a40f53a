import type { Cost } from '../../models/cost.ts';
import { CostTotal, type PricedCost } from '../../models/cost-total.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { AgentStep, AgentUsage } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import { SubagentError } from '../errors/subagent-error.ts';
import { TreeBudgetError } from '../errors/tree-budget-error.ts';
import { defineCostWithChildren } from '../run-state/cost-with-children.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { startsChildRuns } from '../run-state/run-link.ts';
import { addAgentUsage } from '../usage.ts';
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
export function runTools<Output>(
  context: RunContext<Output>,
  step: AgentStep,
  turn: Content,
): ToolCallsResult | Promise<ToolCallsResult> {
  const { config, run, signal, emit, observation, link, plugins } = context;
  const startedAt = config.now();
  const executing = executeToolCalls({
    config,
    content: turn,
    stepNumber: step.stepNumber,
    contents: run.contents,
    signal,
    emit,
    observation,
    link,
    // A plugin's rewrite of a thrown tool error (the run's last that has one).
    onToolError: plugins?.toolErrorRewrite,
    plugins,
  });
  // A promise only when a call had something to wait for (see executeToolCalls), which the loop
  // awaits: a turn of calls that settled at once costs no promise and no turn of the microtask
  // queue here (issue 53, helper step-shared). What throws, throws into the loop's async function.
  return executing instanceof Promise
    ? executing.then((result) => takeAnswers(context, step, result, startedAt))
    : takeAnswers(context, step, executing, startedAt);
}

/** The turn's answers taken into the history, the step and the run (see {@link runTools}). */
function takeAnswers<Output>(
  { config, run, link }: RunContext<Output>,
  step: AgentStep,
  result: ToolCallsResult,
  startedAt: number,
): ToolCallsResult {
  if (result.ending !== undefined) {
    // The run ends with that error as it is: nothing of this turn goes into the history, but
    // what its calls spent was spent (a subagent that ended the tree billed its model calls).
    countCalls(config, run, link, result, undefined);
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
  countCalls(config, run, link, result, step);
  return result;
}

/**
 * Counts what the calls used (a subagent's run, a tool's own model calls) and grounded, and gives
 * the step (when it ends normally) its usage and cost with its calls'. Amounts are summed in
 * pico-dollars: a subagent call's as its meter summed them (`ToolCallsResult.priced`), other
 * calls' parsed once; parsing each call's dollars back for the run, the tree budget and the step
 * was ~12 us a subagent call (CPU profiles of subagent-bench.ts, issue 30).
 */
function countCalls<Output>(
  config: RunContext<Output>['config'],
  run: RunContext<Output>['run'],
  link: RunContext<Output>['link'],
  { toolCalls, priced }: ToolCallsResult,
  step: AgentStep | undefined,
): void {
  let usage: AgentUsage | undefined;
  // Each call's cost for the step's `costWithChildren`, summed when it is read.
  let costs: PricedCost[] | undefined;
  for (let index = 0; index < toolCalls.length; index++) {
    const call = toolCalls[index];
    if (call === undefined) continue;
    if (call.grounding !== undefined) run.grounding.push(call.grounding);
    if (call.usage === undefined) continue;
    // A subagent's run was priced at its own model (it may not be this agent's); a tool's own
    // model calls (the 2.x search fallback) at the agent's model and tier.
    const callCost =
      priced?.[index] ??
      (call.cost === undefined
        ? config.price(call.usage, config.model, config.request.serviceTier)
        : toPriced(call.cost));
    run.addUsage(call.usage, callCost);
    // The tree's cost budget counts every model call, a tool's own ones too; a subagent's
    // calls are its child run's, which counted each of them already.
    if (link.budget !== undefined) {
      const tool = config.tools.functions.get(call.toolName);
      if (tool === undefined || !startsChildRuns(tool)) link.budget.cost.addPriced(callCost);
    }
    if (step === undefined) continue;
    usage ??= { ...step.usage };
    costs ??= [];
    addAgentUsage(usage, call.usage);
    costs.push(callCost);
  }
  if (step !== undefined && usage !== undefined && costs !== undefined) {
    step.usageWithChildren = usage;
    // The step's own cost is priced again from its response, rather than parsed back from its
    // dollars (~4 us of a subagent call's CPU, issue 30), and only when read.
    defineCostWithChildren(step, config, costs);
  }
}

/** A written cost as `CostTotal.addPriced` takes it, parsed once for the three sums it joins. */
function toPriced(cost: Cost): CostPicos | Cost {
  const total = new CostTotal(cost);
  return total.priced;
}
