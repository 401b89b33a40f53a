import type { Cost } from '../../models/cost.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { AgentConfig } from '../config/agent-config.ts';

/**
 * What one model response cost, by the agent's pricer (`config.price`: the pricing plugin, or the
 * `prices` option's own pricer) at the model that served it, and the tier that served it
 * (`served`; priority falls back to standard) or, where the API reports none (Vertex), the tier
 * asked for. The one rule for a model step's cost, when the call ends and when a step's cost is
 * summed again with its tool calls'. The loop holds no price: it asks the pricer.
 * @internal
 */
export function priceResponse(
  config: Pick<AgentConfig<unknown>, 'model' | 'request' | 'price'>,
  response: GenerateContentResponse,
  served: string | undefined,
  // The model that served it when a plugin sent the call to another (`AgentStep.model`).
  model: string = config.model,
): CostPicos | Cost {
  return config.price(response.usageMetadata ?? {}, model, served ?? config.request.serviceTier);
}
