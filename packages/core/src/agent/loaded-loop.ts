import { preloadContinuation } from '../continuation/continuation-plugin.ts';
import { preloadPricing } from '../pricing/pricing-plugin.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import type { AgentRuns } from './agent-runs.ts';
import { registeredTurnsOf } from './agent-turns.ts';
import type { AgentConfig } from './config/agent-config.ts';
import type { AgentRuntime, AgentRuntimeParts } from './loop/agent-runtime.ts';
import type { RunLoopOptions } from './loop/run/run-loop-options.ts';
import type { AgentPlugin } from './plugins/agent-plugin.ts';

// The loop and its phases (about 40 modules: the request, tool calls, outcomes, thought
// signatures, structured output, the prompt cache's step side) are loaded by the first run, not by
// `import '@gemloop/core'`: Node's ESM loader pays for every module at import, and the root must
// stay cheap to import (bench/README.md, "Cold import"). Once loaded, a run starts synchronously,
// exactly as with a static import (see `loadedLoop`).
type RunLoopModule = typeof import('./loop/run-loop.ts');

// With the loop, the default plugins' code: a run's model calls go through continuation, and
// each is priced by the pricing plugin (gemloop's table).
const runLoopModule = new LoadOnce(
  (): Promise<RunLoopModule> =>
    Promise.all([import('./loop/run-loop.ts'), preloadContinuation(), preloadPricing()]).then(
      ([loop]) => loop,
    ),
);

// The `budget` run option is sugar for the tree budget's plugin (budget/): loaded by the first run
// whose tree has a budget, and added to every run of such a tree (the top run's, a subagent's, a
// durable child workflow's), after the run's own plugins.
type TreeBudgetModule = typeof import('../budget/tree-budget-plugin.ts');
const treeBudgetModule = new LoadOnce(
  (): Promise<TreeBudgetModule> => import('../budget/tree-budget-plugin.ts'),
);

// The `cache` option's plugin, loaded by the first run of an agent that has it.
type PromptCacheModule = typeof import('../prompt-cache/agent-prompt-cache.ts');
const promptCacheModule = new LoadOnce(
  (): Promise<PromptCacheModule> => import('../prompt-cache/agent-prompt-cache.ts'),
);

/**
 * The depth of a run starting now with no parent (`runningDepth`, read through the loaded loop):
 * 0 before the loop is loaded, when no run's hook or tool can be calling (a Live session opened at
 * top level can: the first run its tool starts in a process that never ran one reads 0, not 1,
 * once). Read here, not from
 * `run-link.ts`, so that `import '@gemloop/core'` does not load the run link and what it imports
 * (four modules: the root's static imports stay at 132, `index.static-imports.test.ts`).
 * @internal
 */
export function runningDepthNow(): number {
  return runLoopModule.value?.runningDepth() ?? 0;
}

/**
 * Loads the loop now, as an agent's first run would; a failure is left for that run to report
 * (see `preloadRunPath`).
 * @internal
 */
export async function preloadRunLoop(): Promise<void> {
  await runLoopModule.load().catch(() => {});
}

/**
 * The loaded loop, with the agent's runtime made, when a run can start at once; `undefined` when
 * something it needs is not loaded yet (the loop, the tools' schemas off Node, the tree budget's
 * or the prompt cache's plugin): the run then takes `startRunAfterLoad`. A run calls the
 * loaded loop itself (`loop.runLoop(runs.config, runs.runtime, ...)`), not through a function
 * that only forwards: one call fewer between agent.run() and the transport (issue 53 item 8;
 * agent/request-path-depth.test.ts counts them).
 * @internal
 */
export function loadedLoop<Output>(
  runs: AgentRuns<Output>,
  options: RunLoopOptions,
): RunLoopModule | undefined {
  const loaded = runLoopModule.value;
  if (loaded === undefined || !runs.schemasLoaded) return undefined;
  // A run whose tree has a budget whose plugin is not loaded yet: it loads it first.
  if (hasTreeBudget(options) && treeBudgetModule.value === undefined) return undefined;
  if (runs.runtime === undefined) {
    // An agent with a cache whose plugin is not loaded yet: its first run loads it.
    if (runs.cache !== undefined && promptCacheModule.value === undefined) return undefined;
    runtimeOf(runs, loaded);
  }
  return loaded;
}

/**
 * The first run of the process: the loop is loaded first (and off Node what the tools' schemas
 * need). A failed load is not kept (the next run tries again); the run fails with the loader's
 * error, as any import would.
 * @internal
 */
export function startRunAfterLoad<Output>(
  runs: AgentRuns<Output>,
  input: AgentInput,
  options: RunLoopOptions,
): Promise<AgentResult<Output>> {
  const { config } = runs;
  const loading = Promise.all([
    runLoopModule.load(),
    runs.cache === undefined ? undefined : promptCacheModule.load(),
    hasTreeBudget(options) ? treeBudgetModule.load() : undefined,
    Promise.all(startSchemaLoads(config.tools.functions.values())),
  ]);
  return loading.then(([module]) => {
    runs.schemasLoaded = true;
    return module.runLoop(config, runtimeOf(runs, module), input, withTreeBudget(options));
  });
}

/**
 * The agent's runtime for a run handed to it (a hand-off's receiver), asked by a run of another
 * agent, so the loop is loaded by then. Such a run uses the runtime's history checks only (its
 * plugins stay the run's): without the cache's plugin loaded yet, one without it serves, and is
 * not kept.
 * @internal
 */
export function handoffRuntime<Output>(runs: AgentRuns<Output>): AgentRuntime {
  const loaded = runLoopModule.value;
  if (loaded === undefined) throw new Error('the agent loop is not loaded');
  if (
    runs.runtime === undefined &&
    runs.cache !== undefined &&
    promptCacheModule.value === undefined
  )
    return loaded.createAgentRuntime(
      runs.config as AgentConfig<unknown>,
      undefined,
      registeredTurnsOf,
    );
  return runtimeOf(runs, loaded);
}

/** The agent's runtime, made once with the loaded loop (and what its options add: `runtimeParts`). */
function runtimeOf<Output>(runs: AgentRuns<Output>, loaded: RunLoopModule): AgentRuntime {
  runs.runtime ??= loaded.createAgentRuntime(
    runs.config as AgentConfig<unknown>,
    runtimeParts(runs),
    registeredTurnsOf,
  );
  return runs.runtime;
}

/**
 * What the agent's options add to its runtime: the prompt cache's plugin and leading contents,
 * the cache made here once (its module is loaded by then: see `loadedLoop`).
 */
function runtimeParts<Output>(runs: AgentRuns<Output>): AgentRuntimeParts | undefined {
  const { config, cache } = runs;
  if (cache === undefined) return undefined;
  runs.promptCache ??= (promptCacheModule.value as PromptCacheModule).createAgentPromptCache({
    gemini: config.gemini,
    model: config.model,
    prefix: {
      systemInstruction: config.request.systemInstruction,
      tools: config.request.tools,
      toolConfig: config.request.toolConfig,
    },
    cache: cache,
    now: config.now,
    logger: config.logger,
  });
  const { promptCache } = runs;
  runs.listed = listPlugins(config as AgentConfig<unknown>, promptCache.plugin);
  return { plugins: [promptCache.plugin], leadingContents: promptCache.contents };
}

/** Whether a run's tree has a budget: its own `budget` (a top run), or its parent's (a subagent). */
function hasTreeBudget(options: RunLoopOptions): boolean {
  return options.budget !== undefined || options.parent?.budget !== undefined;
}

/**
 * The run's options with the tree budget's plugin after its own plugins, when its tree has a
 * budget (the plugin's module is loaded by then: see `loadedLoop`); else the options as they are.
 * @internal
 */
export function withTreeBudget(options: RunLoopOptions): RunLoopOptions {
  if (!hasTreeBudget(options)) return options;
  const plugin = (treeBudgetModule.value as TreeBudgetModule).treeBudgetPlugin;
  return { ...options, plugins: [...((options.plugins ?? []) as AgentPlugin[]), plugin] };
}

/**
 * The agent's plugins as `agent.plugins` lists them: its resolved ones, those that only wrap its
 * requests (the `api` option's last), the prompt cache's (made by the first run of an agent with
 * `cache`), then its defaults.
 * @internal
 */
export function listPlugins(
  config: AgentConfig<unknown>,
  cache: AgentPlugin | undefined,
): readonly AgentPlugin[] {
  const plugins = [...(config.plugins?.plugins ?? [])];
  for (const plugin of config.requestPlugins) if (!plugins.includes(plugin)) plugins.push(plugin);
  if (cache !== undefined) plugins.push(cache);
  return Object.freeze([...plugins, ...config.defaultPlugins]);
}
