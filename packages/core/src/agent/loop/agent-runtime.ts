import {
  createHistoryCheckCache,
  type HistoryCheckCache,
} from '../../history/validate-history-cached.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type { PluginEngine, ResolvedPlugins } from '../plugins/run-plugins.ts';
import type { TurnsOf } from '../plugins/run-view/plugin-run-view.ts';

/**
 * What an agent keeps between its runs, made once by its first run (it loads with the loop, not
 * with `createAgent`): the resolved `AgentConfig` is never written after `createAgent` returns.
 * @internal
 */
export type AgentRuntime = {
  /**
   * Input contents this agent already found valid: a chat sends its whole history with every
   * message, and each content is walked once, not once per message.
   */
  readonly historyChecks: HistoryCheckCache;
  /**
   * The agent's plugins, resolved once: its `plugins` option's (`AgentConfig.plugins`), then
   * those its options made with state shared by its runs (the `cache` option's prompt cache).
   * `undefined` without any.
   */
  readonly plugins: ResolvedPlugins | undefined;
  /**
   * Contents those plugins send before the history of every request (the prompt cache's
   * `cache.contents`, from the cache or inline): compaction counts them in the request's fixed
   * part. `undefined`: none.
   */
  readonly leadingContents: readonly Content[] | undefined;
  /** Resolves the agent a plugin hands a run of this agent to (see `TurnsOf`). */
  readonly turnsOf: TurnsOf;
};

/** What an agent's options made for its runtime (see {@link AgentRuntime}). @internal */
export type AgentRuntimeParts = {
  readonly plugins: readonly AgentPlugin[];
  readonly leadingContents?: readonly Content[] | undefined;
};

/** The runtime of one agent, with what its options made (`made`), when they made any. @internal */
export function createAgentRuntime(
  config: AgentConfig<unknown>,
  made: AgentRuntimeParts | undefined,
  turnsOf: TurnsOf,
): AgentRuntime {
  const historyChecks = createHistoryCheckCache();
  if (made === undefined || made.plugins.length === 0)
    return { historyChecks, plugins: config.plugins, leadingContents: undefined, turnsOf };
  // The plugins carry the seam's implementation (definePlugin), as the `plugins` option's do.
  const engine =
    config.plugins?.engine ?? (pluginEngineOf(made.plugins, 'plugins') as PluginEngine);
  return {
    historyChecks,
    turnsOf,
    plugins: engine.resolve([...(config.plugins?.plugins ?? []), ...made.plugins]),
    leadingContents:
      made.leadingContents === undefined || made.leadingContents.length === 0
        ? undefined
        : made.leadingContents,
  };
}
