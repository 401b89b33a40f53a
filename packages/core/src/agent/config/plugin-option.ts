import type { Logger } from '../../logging/logger.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';

/** What a feature's plugin is made for: the agent that takes the option. @internal */
export type PluginOptionAgent = {
  readonly model: string;
  /** The model's input window from the known-models table (`undefined`: not known). */
  readonly inputTokenLimit: number | undefined;
  /** The agent's function tools by name. */
  readonly tools: ReadonlyMap<string, object>;
  readonly logger: Logger;
};

/**
 * The value of an agent option that is sugar for a plugin (`toolOutput: toolOutput({ ... })`):
 * made by the feature's function behind its subpath, it holds the options it was made from and
 * makes the feature's plugin for the agent that takes it. The agent adds that plugin after its
 * own `plugins`; the loop knows nothing of the feature (an app that never makes the value
 * bundles none of it).
 */
export type PluginOption<Kind extends string, Options extends object = object> = {
  readonly kind: Kind;
  /** The options it was made from (checked). */
  readonly options: Options;
  /** Makes the feature's plugin for one agent. @internal */
  // biome-ignore lint/suspicious/noExplicitAny: a plugin of any state; the seam checks it.
  readonly plugin: (agent: PluginOptionAgent) => AgentPlugin<any>;
};

/** Whether `value` is a {@link PluginOption} of `kind`. @internal */
export function isPluginOption<Kind extends string>(
  value: unknown,
  kind: Kind,
): value is PluginOption<Kind> {
  if (typeof value !== 'object' || value === null) return false;
  const {
    kind: given,
    options,
    plugin,
  } = value as Partial<Record<'kind' | 'options' | 'plugin', unknown>>;
  return (
    given === kind &&
    typeof options === 'object' &&
    options !== null &&
    typeof plugin === 'function'
  );
}
