import type { Cost } from '../../models/cost.ts';
import { writeCost } from '../../models/write-cost.ts';
import type { AgentUsage } from '../../run/agent-result.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { toAgentUsage } from '../usage.ts';

/**
 * A model call a plugin makes on the side of the run ({@link PluginRun.generate}): a request as
 * `gemini.generateContent` takes it, `model` left out for the model of the agent holding the run.
 */
export type SideModelRequest = Omit<GenerateContentRequest, 'model'> & {
  /** @defaultValue the model of the agent holding the run */
  readonly model?: string | undefined;
};

/** What a side model call ({@link PluginRun.generate}) gave, as the run counted it. */
export type SideModelResult = {
  /** The model's response, as the API returned it. */
  readonly response: GenerateContentResponse;
  /** The answer's text: the first candidate's parts that are text and not thoughts, joined. */
  readonly text: string;
  /** Its tokens, as they joined the run's usage. */
  readonly usage: AgentUsage;
  /** What it cost, priced at the request's model, as it joined the run's cost. */
  readonly cost: Cost;
};

/**
 * One side model call for a run (`PluginRun.generate`): sent through the model entry of the agent
 * holding the run (its client, request plugins and durable recording) with the run's call
 * options (its signal), priced at the request's model, and counted where the run's own calls are:
 * the run's usage and cost (and so a chat's and a span's), and the tree's budget, tokens and cost.
 * No step, no event, no history: the caller reports what it did. @internal
 */
export async function generateForRun(
  context: RunContext<unknown>,
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
  context.run.addUsage(usage, cost);
  // A tree's budget counts it too (`maxTokens` bounds every model call of the tree; a step's end
  // counts only the steps').
  const budget = context.link.budget;
  if (budget !== undefined) {
    budget.cost.add(cost);
    budget.tokens += usage.totalTokenCount;
  }
  const text = (response.candidates?.[0]?.content?.parts ?? [])
    .filter((part) => part.thought !== true && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
  return { response, text, usage, cost };
}
