import { continuationPlugin } from '../continuation/continuation-plugin.ts';
import { isLevelEnabled } from '../logging/logger.ts';
import { checkOptionsCopy } from '../options/define-options.ts';
import { resolvePricing } from '../pricing/pricing-plugin.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { AsyncDispose } from '../shared/async-dispose.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import type { AgentRuns } from './agent-runs.ts';
import type { AgentStream } from './agent-stream.ts';
import { type AgentTurns, registerAgentTurns } from './agent-turns.ts';
import type { AgentConfig } from './config/agent-config.ts';
import type { AgentOptions, RunOptions } from './config/agent-options.ts';
import { agentOptionsDeclaration } from './config/agent-options-declaration.ts';
import { checkCacheOption } from './config/options/cache.ts';
import { resolveAgentConfig } from './config/resolve-agent-config.ts';
import { AgentClosedError } from './errors/agent-closed-error.ts';
import {
  handoffRuntime,
  listPlugins,
  loadedLoop,
  startRunAfterLoad,
  withTreeBudget,
} from './loaded-loop.ts';
import type { AgentRuntime } from './loop/agent-runtime.ts';
import type { AgentPlugin } from './plugins/agent-plugin.ts';
import {
  keepStream,
  settleUnary,
  startChildRun,
  startStream,
  startUnary,
  type UnaryStart,
} from './start-run.ts';

/** An agent made by {@link createAgent}: a model, its tools and settings, ready to run. */
export type Agent<Output = undefined> = {
  readonly model: string;
  /**
   * The plugins the agent's runs apply, as resolved from its options: its `plugins`, then those
   * its options are sugar for (`toolOutput`; the prompt cache's for `cache`, once the agent's first
   * run made it), then the ones it has by default: `continuation`
   * (long-decode answers continued; `{ name: 'continuation', options }`, absent with
   * `continuation: false`) and `pricing` (each model call's cost; `{ name: 'pricing', prices }`,
   * or the `prices` option's own pricer, absent with `prices: false`). A run's own plugins (`RunOptions.plugins`, a chat session's) and
   * those a parent run hands down join these per run. Frozen: to change them, make another agent.
   * Always set by `createAgent`; optional so that a wrapper around an agent need not restate it.
   */
  // biome-ignore lint/suspicious/noExplicitAny: plugins of any state, as the `plugins` option takes
  readonly plugins?: readonly AgentPlugin<any>[] | undefined;
  /**
   * Runs the loop to the end with `generateContent` calls.
   *
   * @throws {@link InvalidArgumentError} / {@link InvalidHistoryError} for bad input, before any
   *   request.
   * @throws {@link AgentRunError} subclasses once the run started (`ModelCallError`,
   *   `AgentAbortedError`, `InvalidModelResponseError`, `OutputValidationError`, and the tool
   *   errors with `toolErrors: 'throw'`), each with `run`: the consistent history, steps and usage.
   */
  run(input: AgentInput, options?: RunOptions): Promise<AgentResult<Output>>;
  /**
   * Runs the loop with `streamGenerateContent` calls, yielding events as they happen; `result`
   * resolves to what `run()` would have returned, with the same history.
   */
  stream(input: AgentInput, options?: RunOptions): AgentStream<Output>;
  /**
   * Shuts the agent down: aborts its runs in flight (they fail with an `AgentAbortedError` whose
   * `cause` is an {@link AgentClosedError}, their history consistent), waits for them to settle,
   * then calls every distinct `close` of its tools once (MCP connections, the web-fetch tool's
   * HTML worker; tools of one connection share one) and waits for all. Later `run` and `stream`
   * calls (and so chat sends) fail with an {@link AgentClosedError}. With the `cache` option it
   * also deletes the agent's cache (a failure to delete is logged; the cache then ends with its
   * TTL). The agent knows nothing of the chat sessions built on it: close those with
   * `chat.close()` (or the store's own `close()`).
   *
   * Idempotent: every call returns the same promise.
   *
   * @throws {@link ToolCloseError} when some tools' close failed, after every close was attempted.
   */
  close(): Promise<void>;
  /**
   * `close()`, for `await using agent = createAgent(...)`. Defined where the runtime has
   * `Symbol.asyncDispose` (Node 20+, current browsers).
   */
  [Symbol.asyncDispose]: AsyncDispose;
};

/**
 * Creates an agent: a Gemini model with tools, run in a loop until it answers. Every option is
 * checked here (duplicate or invalid tool names, unknown allowed function names, `maxSteps < 1`,
 * a thinking setting the model rejects, ...), so a run fails only for what happens in it.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   gemini: createGemini({ apiKey }),
 *   model: 'gemini-3-flash-preview',
 *   instructions: 'You are a travel assistant.',
 *   tools: [getWeather, googleSearch()],
 * });
 * const { text, contents } = await agent.run('Should I pack an umbrella for Paris tomorrow?');
 * ```
 *
 * @throws {@link InvalidArgumentError} naming the option at fault and the fix.
 */
export function createAgent<Output = undefined>(given: AgentOptions<Output>): Agent<Output> {
  // Each option read once (attack20): the config's resolvers and each run's generationConfig
  // check read them again, and a getter that gave the check `maxSteps: 2` gave the loop 1e300.
  // The options that hold plain data (`generationConfig`, `continuation`, `callOptions`, ...)
  // are copied at any depth in the same pass (attack60d): a getter in `retrievalConfig.latLng`
  // gave the check a place and the requests "x".
  const options = checkOptionsCopy(agentOptionsDeclaration, given) as AgentOptions<Output>;
  // The plugins every agent has unless its options turn them off (continuation, pricing), made
  // here, above the loop: no file of the loop or its config imports a feature.
  const config: AgentConfig<Output> = resolveAgentConfig(options, {
    continuation: continuationPlugin,
    pricing: resolvePricing,
  });
  const runs: AgentRuns<Output> = {
    config,
    options,
    cache: checkCacheOption(options.cache, options.cachedContent, options.api),
    listed: listPlugins(config as AgentConfig<unknown>, undefined),
    // Off Node, a JSON Schema tool's validator loads with import() (preloadToolSchemas): started
    // here, and until it is there runs take the first-run path, which waits for it.
    schemasLoaded: startSchemaLoads(config.tools.functions.values()).length === 0,
    inFlight: new Set(),
  };
  const agent = agentOf(runs);
  // Only where the runtime has the symbol: no polyfill, and no `undefined` key.
  if (typeof Symbol.asyncDispose === 'symbol') {
    (agent as { [Symbol.asyncDispose]: () => Promise<void> })[Symbol.asyncDispose] = () =>
      agent.close();
  }
  registerAgentTurns(agent, turnsOf(runs));
  return agent;
}

/**
 * The agent's public face over its runs. `run` and `stream` start the loop from their own frame
 * (no function that only forwards lies between agent.run() and the transport: issue 53 item 8,
 * agent/request-path-depth.test.ts); the options are checked and the stream opened before, by
 * functions that return.
 */
function agentOf<Output>(runs: AgentRuns<Output>): Agent<Output> {
  const { config } = runs;
  return {
    model: config.model,
    get plugins(): readonly AgentPlugin[] {
      return runs.listed;
    },
    run: (input: AgentInput, options?: RunOptions): Promise<AgentResult<Output>> => {
      let start: UnaryStart;
      try {
        start = startUnary(runs, options, undefined, undefined);
      } catch (error) {
        return Promise.reject(error);
      }
      const loop = loadedLoop(runs, start.runOptions);
      return settleUnary(
        runs,
        start,
        loop === undefined
          ? startRunAfterLoad(runs, input, start.runOptions)
          : loop.runLoop(
              config,
              runs.runtime as AgentRuntime,
              input,
              withTreeBudget(start.runOptions),
            ),
      );
    },
    stream: (input: AgentInput, options?: RunOptions): AgentStream<Output> => {
      const { stream, runOptions, failure } = startStream(
        runs,
        options,
        undefined,
        undefined,
        undefined,
        undefined,
      );
      if (runOptions === undefined) return stream.attach(Promise.reject(failure));
      const loop = loadedLoop(runs, runOptions);
      return keepStream(
        runs,
        stream.attach(
          loop === undefined
            ? startRunAfterLoad(runs, input, runOptions)
            : loop.runLoop(config, runs.runtime as AgentRuntime, input, withTreeBudget(runOptions)),
        ),
        runOptions.plugins,
      );
    },
    close(): Promise<void> {
      runs.closing ??= closeAgent(runs);
      return runs.closing;
    },
  } satisfies Omit<Agent<Output>, typeof Symbol.asyncDispose> as Agent<Output>;
}

/**
 * How a chat session, a subagent's tool, a hand-off and a durable runner run the agent (see
 * `AgentTurns`): as `agent.run`/`agent.stream`, with what only they know (the conversation
 * id, late plugins, a durable runner's child starter, hook recorder and services).
 */
function turnsOf<Output>(runs: AgentRuns<Output>): AgentTurns<Output> {
  const { config } = runs;
  return {
    lateJoin: true,
    name: config.name,
    options: runs.options as AgentOptions<unknown>,
    functionTools: () => config.tools.functions.values(),
    handoffTarget: (name) => ({
      name: name ?? config.name ?? 'agent',
      config: config as AgentConfig<unknown>,
      runtime: () => handoffRuntime(runs),
    }),
    run(input, options, conversationId, late): Promise<AgentResult<Output>> {
      let start: UnaryStart;
      try {
        start = startUnary(runs, options, conversationId, late);
      } catch (error) {
        return Promise.reject(error);
      }
      const loop = loadedLoop(runs, start.runOptions);
      return settleUnary(
        runs,
        start,
        loop === undefined
          ? startRunAfterLoad(runs, input, start.runOptions)
          : loop.runLoop(
              config,
              runs.runtime as AgentRuntime,
              input,
              withTreeBudget(start.runOptions),
            ),
      );
    },
    child: (input, options, parent) => startChildRun(runs, input, options, parent),
    stream(input, options, conversationId, startChild, recordHook, given, services) {
      const start = startStream(
        runs,
        options,
        conversationId,
        startChild,
        recordHook,
        given,
        services,
      );
      const { stream, runOptions } = start;
      if (runOptions === undefined) return stream.attach(Promise.reject(start.failure));
      const loop = loadedLoop(runs, runOptions);
      return keepStream(
        runs,
        stream.attach(
          loop === undefined
            ? startRunAfterLoad(runs, input, runOptions)
            : loop.runLoop(config, runs.runtime as AgentRuntime, input, withTreeBudget(runOptions)),
        ),
        runOptions.plugins,
      );
    },
  };
}

/**
 * Shuts the agent's runs down (`agent.close()`): aborts those in flight, waits for them to
 * settle, then closes its tools and deletes its prompt cache.
 * */
async function closeAgent<Output>(runs: AgentRuns<Output>): Promise<void> {
  const { config } = runs;
  const inFlight = [...runs.inFlight];
  if (inFlight.length > 0) {
    const reason = new AgentClosedError({ model: config.model, inFlight: true });
    for (const run of inFlight) run.abort(reason);
    // An aborted run settles at once (a tool that ignores its signal is left running in the
    // background, see runToolCall), so this wait is short; the tools are closed after it, so no
    // run of this agent uses a tool once its connection is closing.
    await Promise.allSettled(inFlight.map((run) => run.result));
  }
  if (isLevelEnabled(config.logger, 'debug')) {
    config.logger.debug(
      { abortedRuns: inFlight.length, tools: config.tools.functions.size },
      'agent closing its tools',
    );
  }
  await Promise.all([
    // Loaded here, not with the root (bench/README.md, "Cold import"): closing is rare, and
    // ToolCloseError is thrown only here. The cache is deleted whether or not the load works.
    import('./tool-calls/close-tools.ts').then(({ closeTools }) =>
      closeTools(config.tools.functions.values(), { redact: config.redact }),
    ),
    runs.promptCache?.close(),
  ]);
}
