import {
  createHistoryCheckCache,
  type HistoryCheckCache,
} from '../../history/validate-history-cached.ts';
import { PromptCache, type PromptCacheOptions } from '../prompt-cache.ts';

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
  /** The agent's prompt cache (the `cache` option), shared by its runs and chat turns. */
  readonly cache: PromptCache | undefined;
};

/** The runtime of one agent; `cacheOptions` when it has the `cache` option. @internal */
export function createAgentRuntime(cacheOptions: PromptCacheOptions | undefined): AgentRuntime {
  return {
    historyChecks: createHistoryCheckCache(),
    cache: cacheOptions === undefined ? undefined : new PromptCache(cacheOptions),
  };
}
