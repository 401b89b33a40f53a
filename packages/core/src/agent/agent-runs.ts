import type { AgentPromptCache } from '../prompt-cache/agent-prompt-cache.ts';
import type { AgentConfig } from './config/agent-config.ts';
import type { AgentCacheOptions, AgentOptions } from './config/agent-options.ts';
import type { AgentRuntime } from './loop/agent-runtime.ts';
import type { AgentPlugin } from './plugins/agent-plugin.ts';

/**
 * What one agent keeps between its runs, made by `createAgent` and handed to each function here:
 * its resolved config, what its first run makes (the runtime, the prompt cache), and its runs in
 * flight, so that `close()` can abort them and wait for them to settle.
 * @internal
 */
export type AgentRuns<Output> = {
  readonly config: AgentConfig<Output>;
  /** The agent's options (copied once): what a run's `generationConfig` is checked against. */
  readonly options: AgentOptions<Output>;
  /** The `cache` option, checked: sugar for the prompt cache's plugin (prompt-cache/). */
  readonly cache: AgentCacheOptions | undefined;
  /**
   * Made with the agent's runtime by its first run, so an agent without `cache` never loads (nor
   * bundles) it. One cache per agent, shared by its runs and chat turns.
   */
  promptCache?: AgentPromptCache | undefined;
  /** What `agent.plugins` shows: the prompt cache's plugin joins it once the first run made it. */
  listed: readonly AgentPlugin[];
  /** What the agent keeps between runs: made once, with the loop, by the first run. */
  runtime?: AgentRuntime | undefined;
  /**
   * Off Node, a JSON Schema tool's validator loads with import() (preloadToolSchemas): until it is
   * there runs take the first-run path, which waits for it. On Node nothing is pending.
   */
  schemasLoaded: boolean;
  readonly inFlight: Set<InFlightRun>;
  /** Set by `close()`: every later run fails with an {@link AgentClosedError}. */
  closing?: Promise<void> | undefined;
};

/** A run in flight: how to abort it and when it settles. @internal */
export type InFlightRun = { abort: (reason: unknown) => void; result: Promise<unknown> };
