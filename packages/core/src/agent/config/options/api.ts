import { optionCheck } from '../../../options/option-checks.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import type { AgentApi } from '../../plugins/model-requests.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** Whether `value` is an {@link AgentApi}: `'generateContent'`, or a plugin that wraps the requests. */
function isAgentApi(value: unknown): value is AgentApi {
  if (value === 'generateContent') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { name, wrapModelRequest } = value as { name?: unknown; wrapModelRequest?: unknown };
  return typeof name === 'string' && name.length > 0 && typeof wrapModelRequest === 'function';
}

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
 * The plugin the `api` option is sugar for: `undefined` for `generateContent` (the client's own
 * entry), else the option's value, a plugin that answers the agent's requests itself
 * (`interactionsApi()`; it needs a client made by `createGemini`, or a durable worker's, which
 * registers its Interactions backend). The config names no API: the plugin brings its code.
 * @internal
 */
export function resolveApiOption(options: AgentOptions<unknown>): AgentPlugin | undefined {
  const { api } = apiOption.withDefaults(options);
  return api === 'generateContent' ? undefined : (api as AgentPlugin);
}
