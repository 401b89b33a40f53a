import type { CallOptions } from '../../../http/gemini.ts';
import type { ModelCallEntry } from '../../../http/model-call-entry.ts';
import type { Cost } from '../../../models/cost.ts';
import type { PriceModelCall } from '../../../models/pricer.ts';
import { writeCost } from '../../../models/write-cost.ts';
import type { AgentUsage } from '../../../run/agent-result.ts';
import type { TreeBudget } from '../../run-state/tree-budget.ts';
import { toAgentUsage } from '../../usage.ts';
import type { SideModelRequest, SideModelResult } from './side-model-call.ts';

/**
 * What a side call reads of the run's context as the agent holding it runs it (the loop's
 * `RunContext`, which the seam's files do not import: it would close a cycle through the config).
 */
type SideCallContext = {
  readonly config: {
    readonly model: string;
    readonly modelCall: Pick<ModelCallEntry, 'generate'>;
    readonly price: PriceModelCall;
  };
  readonly callOptions: CallOptions;
  readonly run: { addUsage(usage: AgentUsage, cost: Cost): void };
  readonly link: { readonly budget: TreeBudget | undefined };
};

/**
 * One side model call for a run (`PluginRun.generate`): sent through the model entry of the agent
 * holding the run (its client, request plugins and durable recording) with the run's call
 * options (its signal), priced at the request's model, and counted where the run's own calls are:
 * the run's usage and cost (and so a chat's and a span's), and the tree's budget, tokens and cost.
 * No step, no event, no history: the caller reports what it did. @internal
 */
export async function generateForRun(
  context: SideCallContext,
  request: SideModelRequest,
): Promise<SideModelResult> {
  const { config, callOptions } = context;
  const model = request.model ?? config.model;
  const { response } = await config.modelCall.generate({
    request: { ...request, model },
    callOptions,
  });
  const cost = writeCost(config.price(response.usageMetadata ?? {}, model, undefined));
  const usage = toAgentUsage(response.usageMetadata);
  countSideCall(context, { usage, cost });
  const text = (response.candidates?.[0]?.content?.parts ?? [])
    .filter((part) => part.thought !== true && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
  return { response, text, usage, cost };
}

/** What one side call spent: its usage and cost (a recorded hook's record keeps it). @internal */
export type SideSpend = { readonly usage: AgentUsage; readonly cost: Cost };

/**
 * Counts what a side call spent where the run's own calls are counted: the run's usage and cost,
 * the tree's budget. Also how a replay counts again what a recorded hook's calls spent (the hook
 * is not called, `PluginHookCalls.call`). @internal
 */
export function countSideCall(
  context: Pick<SideCallContext, 'run' | 'link'>,
  { usage, cost }: SideSpend,
): void {
  context.run.addUsage(usage, cost);
  // A tree's budget counts it too (`maxTokens` bounds every model call of the tree; a step's end
  // counts only the steps').
  const budget = context.link.budget;
  if (budget !== undefined) {
    budget.cost.add(cost);
    budget.tokens += usage.totalTokenCount;
  }
}
