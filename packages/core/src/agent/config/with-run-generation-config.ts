import type { GenerationConfig } from '../../wire/request.ts';
import type { AgentConfig, BaseRequest } from './agent-config.ts';

/**
 * The agent's config for one run with the run's `generationConfig` (`RunOptions`) over the
 * agent's in each request it sends (the tool steps', streamed or not, and the final-output
 * call's): made once, when the run starts, so a step sends a prepared request as without it. A
 * call the run sends to another model (`forModel`) gets the same fields over that model's config.
 * The agent's config is not changed.
 * @internal
 */
export function withRunGenerationConfig<Output>(
  config: AgentConfig<Output>,
  given: GenerationConfig,
): AgentConfig<Output> {
  const { forModel } = config;
  let other: AgentConfig<Output> | undefined;
  return {
    ...config,
    request: merged(config.request, given),
    streamRequest: config.streamRequest && merged(config.streamRequest, given),
    finalOutputRequest: config.finalOutputRequest && merged(config.finalOutputRequest, given),
    includeThoughts:
      given.thinkingConfig === undefined
        ? config.includeThoughts
        : given.thinkingConfig.includeThoughts === true,
    forModel:
      forModel &&
      ((model) => {
        if (other?.model !== model) other = withRunGenerationConfig(forModel(model), given);
        return other;
      }),
  };
}

function merged(request: BaseRequest, given: GenerationConfig): BaseRequest {
  return { ...request, generationConfig: { ...request.generationConfig, ...given } };
}
