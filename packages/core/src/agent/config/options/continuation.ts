import type { PricesOption } from '../../../models/model-prices.ts';
import type { PriceModelCall, Pricer } from '../../../models/pricer.ts';
import {
  type ContinuationSettings,
  continuationOptionCheck,
  resolveContinuation,
} from '../../../run/continuation-options.ts';
import type { ModelCallWrapper } from '../../../run/model-call-wrapper.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `continuation`: automatic continuation of long-decode answers, sugar for the continuation
 * plugin (on by default). Its shape, check and defaults are declared once, in
 * run/continuation-options.ts (the public face the agent's options name, below the loop); the
 * plugin is made above the loop (continuation/continuation-plugin.ts) and handed in by the
 * agent's facade ({@link DefaultPluginMakers}): this group only joins them to `createAgent`.
 * @internal
 */
export const continuationOption: AgentOptionGroup<'continuation', 'continuation'> =
  defineAgentOptions({
    checks: {
      continuation: continuationOptionCheck,
    },
    // On, with the settings' own defaults (CONTINUATION_DEFAULTS).
    defaults: { continuation: true },
  });

/**
 * What makes the plugins an agent has by default, from its options: given by the agent's facade
 * (`createAgent`), which sits above the features, so no config file imports a feature folder.
 * An agent config resolved without them (a test's) has none. @internal
 */
export type DefaultPluginMakers = {
  /**
   * The continuation plugin for the `continuation` option's settings (called when it is on): a
   * wrapper around each model call's requests.
   */
  readonly continuation?:
    | ((settings: ContinuationSettings) => AgentPlugin & ModelCallWrapper)
    | undefined;
  /**
   * The pricing plugin for the `prices` option (called unless it is `false`): the plugin
   * `agent.plugins` lists, and the function each model call is priced with.
   */
  readonly pricing?:
    | ((prices: PricesOption | Pricer | undefined) => {
        readonly plugin: Pricer;
        readonly price: PriceModelCall;
        readonly priceOnRead: boolean;
      })
    | undefined;
};

/** The part of `AgentConfig` this option makes. @internal */
export type ContinuationConfig = Pick<
  AgentConfig<unknown>,
  'continuation' | 'defaultPlugins' | 'modelCalls'
>;

/** Applies the continuation defaults, and adds its plugin when it is on. @internal */
export function resolveContinuationOption(
  options: AgentOptions<unknown>,
  makers: DefaultPluginMakers,
): ContinuationConfig {
  const continuation = resolveContinuation(continuationOption.withDefaults(options).continuation);
  const plugin =
    continuation.enabled && makers.continuation !== undefined
      ? makers.continuation(continuation)
      : undefined;
  return {
    continuation,
    defaultPlugins: plugin === undefined ? [] : [plugin],
    modelCalls: plugin,
  };
}
