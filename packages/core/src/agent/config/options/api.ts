import { optionCheck } from '../../../options/define-options.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import type { AgentApi } from '../../plugins/model-requests/model-requests.ts';
import { ENGINE_KEY, pluginEngineOf, REQUESTS_KEY } from '../../plugins/plugin-engine-of.ts';
import type { PluginEngine } from '../../plugins/run-plugins.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';
import type { ModelConfig } from './model.ts';

/**
 * Whether `value` is an {@link AgentApi}: `'generateContent'`, or a plugin that wraps the requests
 * and carries their code (`interactionsApi()`, or one `definePlugin` made).
 */
function isAgentApi(value: unknown): value is AgentApi {
  return (
    value === 'generateContent' ||
    (typeof (value as Carrier | null)?.wrapModelRequest === 'function' &&
      (REQUESTS_KEY in (value as object) || ENGINE_KEY in (value as object)))
  );
}

/** Where a plugin carries the fold of the request wrappers (`REQUESTS_KEY`, or its engine's). */
type Carrier = AgentPlugin & {
  [REQUESTS_KEY]?: PluginEngine['requests'];
  [ENGINE_KEY]?: PluginEngine;
};

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
 * The agent's entry and the plugins that made it: those of the `plugins` option that wrap the
 * requests (`wrapModelRequest`), in order, then the `api` option's (innermost: a plugin that
 * answers the requests itself, such as `interactionsApi()`; it needs a client made by
 * `createGemini`, or a durable worker's, which registers its Interactions backend), folded once
 * around the client's entry. `generateContent` and no such plugin: the client's entry as it is.
 * The config names no API: the plugin brings its code.
 * `limit` is the agent's `maxModelCallsPerStep`: each wrapper's `next` is bounded per request as
 * `wrapModelCall`'s is per step.
 * @internal
 */
export function resolveApiOption(
  options: AgentOptions<unknown>,
  { modelCall, gemini, model }: ModelConfig,
  limit: number,
): Pick<AgentConfig<unknown>, 'modelCall' | 'requestPlugins'> {
  const { api } = apiOption.withDefaults(options);
  const plugin = api === 'generateContent' ? undefined : (api as Carrier);
  // The code is carried by the plugins (an agent without one bundles none of it).
  const resolve =
    plugin?.[REQUESTS_KEY] ??
    plugin?.[ENGINE_KEY]?.requests ??
    pluginEngineOf(options.plugins, 'plugins')?.requests;
  return resolve === undefined
    ? { modelCall, requestPlugins: [] }
    : resolve(modelCall, options.plugins, plugin, { gemini, model }, limit);
}
