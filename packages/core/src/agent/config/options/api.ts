import { isAgentApi } from '../../../interactions/agent-api.ts';
import { optionCheck } from '../../../options/option-checks.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';
import type { ModelConfig } from './model.ts';

function message(path: string, value: unknown): string {
  const named =
    value === 'interactions' ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'interactions');
  // The Interactions backend lives behind its subpath so an agent on generateContent does not
  // bundle it: the old spellings get the migration, not just a refusal.
  if (named) {
    return `${path}: the Interactions API is now passed as a value from its subpath: import { interactionsApi } from '@gemloop/core/interactions' and pass ${path}: interactionsApi() (an object's store and background go in its options: interactionsApi({ store: false }), interactionsApi({ background: true })).`;
  }
  return `${path} must be 'generateContent' or interactionsApi() from '@gemloop/core/interactions'.`;
}

/** `api`: the Gemini API the model calls go to. See {@link AgentApi}. @internal */
export const apiOption: AgentOptionGroup<'api', 'api'> = defineAgentOptions({
  checks: { api: optionCheck(isAgentApi, message) },
  // The client's own entry (resolveApiOption).
  defaults: { api: 'generateContent' },
});

/**
 * The model-call entry for `api`: the client's own for `generateContent`, otherwise the one the
 * option carries (`interactionsApi()`; it needs a client made by `createGemini`, or a durable
 * worker's, which registers its Interactions backend).
 * @internal
 */
export function resolveApiOption(
  options: AgentOptions<unknown>,
  modelConfig: ModelConfig,
): Pick<AgentConfig<unknown>, 'modelCall'> {
  const { api } = apiOption.withDefaults(options);
  if (api === 'generateContent') return { modelCall: modelConfig.modelCall };
  return { modelCall: api.createEntry(modelConfig.gemini) };
}
