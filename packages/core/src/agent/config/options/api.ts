import type { AgentApi } from '../../../interactions/agent-api.ts';
import { isAgentApi } from '../../../interactions/agent-api.ts';
import { createInteractionsEntry } from '../../../interactions/create-interactions-entry.ts';
import { optionCheck } from '../../../options/option-checks.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';
import type { ModelConfig } from './model.ts';

const MESSAGE =
  "api must be 'generateContent', 'interactions', or { name: 'interactions', store?: boolean, background?: true | { pollIntervalMs?, maxPollIntervalMs? (whole ms, 1 to 3600000), maxWaitMs? (whole ms, 1 to 604800000) } }.";

/** `api`: the Gemini API the model calls go to. See {@link AgentApi}. @internal */
export const apiOption: AgentOptionGroup<'api'> = defineAgentOptions({
  api: {
    // No declared default: left out, the client's own entry is used (resolveApiOption).
    check: optionCheck(isAgentApi, MESSAGE),
  },
});

/**
 * The model-call entry for `api`: the client's own for `generateContent`, the Interactions
 * backend otherwise (`createInteractions` needs a client made by `createGemini`).
 * @internal
 */
export function resolveApiOption(
  options: AgentOptions<unknown>,
  modelConfig: ModelConfig,
): Pick<AgentConfig<unknown>, 'modelCall'> {
  const api = options.api ?? 'generateContent';
  if (api === 'generateContent') return { modelCall: modelConfig.modelCall };
  const store = typeof api === 'object' ? api.store !== false : true;
  const background = typeof api === 'object' ? api.background : undefined;
  return {
    modelCall: createInteractionsEntry(modelConfig.gemini, {
      store,
      ...(background === undefined || background === false
        ? {}
        : { background: background === true ? {} : background }),
    }),
  };
}
