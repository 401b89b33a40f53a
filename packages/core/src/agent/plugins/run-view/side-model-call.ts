import type { Cost } from '../../../models/cost.ts';
import type { AgentUsage } from '../../../run/agent-result.ts';
import type { GenerateContentRequest } from '../../../wire/request.ts';
import type { GenerateContentResponse } from '../../../wire/response.ts';

/**
 * A model call a plugin makes on the side of the run (`PluginRun.generate`): a request as
 * `gemini.generateContent` takes it, `model` left out for the model of the agent holding the run.
 */
export type SideModelRequest = Omit<GenerateContentRequest, 'model'> & {
  /** @defaultValue the model of the agent holding the run */
  readonly model?: string | undefined;
};

/** What a side model call (`PluginRun.generate`) gave, as the run counted it. */
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
