import { continuationPlugin, preloadContinuation } from '../continuation/continuation-plugin.ts';
import { isLevelEnabled } from '../logging/logger.ts';
import { copyOptions } from '../options/define-options.ts';
import { preloadPricing, resolvePricing } from '../pricing/pricing-plugin.ts';
import type { AgentPromptCache } from '../prompt-cache/agent-prompt-cache.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { AsyncDispose } from '../shared/async-dispose.ts';
import { isAbortSignal } from '../shared/is-abort-signal.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { holdAbortListener } from '../shared/on-abort.ts';
import { ownSteering } from '../steering/own-steering.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import {
  type AgentStream,
  invalidSignalError,
  type OpenedAgentStream,
  openAgentStream,
  type StreamSteering,
} from './agent-stream.ts';
import { type AgentTurns, registerAgentTurns, registeredTurnsOf } from './agent-turns.ts';
import type { AgentConfig } from './config/agent-config.ts';
import type { AgentOptions, RunOptions } from './config/agent-options.ts';
import { checkRunOptions } from './config/check-run-options.ts';
import { checkCacheOption } from './config/options/cache.ts';
import { checkRunGenerationConfig } from './config/options/generation-config.ts';
import { readStopWhen } from './config/options/steps.ts';
import { resolveAgentConfig } from './config/resolve-agent-config.ts';
import { AgentClosedError } from './errors/agent-closed-error.ts';
import { followSignal } from './follow-signal.ts';
import type { AgentRuntime, AgentRuntimeParts } from './loop/agent-runtime.ts';
import type { RunLoopOptions } from './loop/run/run-loop-options.ts';
import type { AgentPlugin } from './plugins/agent-plugin.ts';
import { pluginCarriedBy } from './plugins/plugin-engine-of.ts';
import type { LatePlugins } from './plugins/run-plugins.ts';
import { keyRootOf, markRedactingStream } from './redacting-streams.ts';

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
  const options = copyOptions(given);
  // The plugins every agent has unless its options turn them off (continuation, pricing), made
  // here, above the loop: no file of the loop or its config imports a feature.
  const config: AgentConfig<Output> = resolveAgentConfig(options, {
    continuation: continuationPlugin,
    pricing: resolvePricing,
  });
  const cacheOptions = checkCacheOption(options.cache, options.cachedContent);
  // What a run's `generationConfig` is checked against (its `options` name the run's below).
  const agentOptions = options;
  // The `cache` option is sugar for the prompt cache's plugin (prompt-cache/): loaded and made
  // with the agent's runtime by its first run, so an agent without it never loads (nor bundles)
  // it. One cache per agent, shared by its runs and chat turns.
  let promptCache: AgentPromptCache | undefined;
  // What `agent.plugins` shows: the prompt cache's plugin joins it once the first run made it.
  let listedPlugins = listPlugins(config, undefined);
  const runtimeParts = (): AgentRuntimeParts | undefined => {
    if (cacheOptions === undefined) return undefined;
    promptCache ??= (promptCacheModule.value as PromptCacheModule).createAgentPromptCache({
      gemini: config.gemini,
      model: config.model,
      prefix: {
        systemInstruction: config.request.systemInstruction,
        tools: config.request.tools,
        toolConfig: config.request.toolConfig,
      },
      cache: cacheOptions,
      now: config.now,
      logger: config.logger,
    });
    listedPlugins = listPlugins(config, promptCache.plugin);
    return { plugins: [promptCache.plugin], leadingContents: promptCache.contents };
  };
  // What the agent keeps between runs: made once, with the loop, by the first run.
  let runtime: AgentRuntime | undefined;
  // Off Node, a JSON Schema tool's validator loads with import() (preloadToolSchemas): started
  // here, and until it is there runs take the first-run path below, which waits for it. On Node
  // nothing is pending, and no run waits.
  let schemasLoaded = startSchemaLoads(config.tools.functions.values()).length === 0;
  // A run calls the loaded loop itself (`loaded.runLoop(config, runtime, ...)` once `loadedLoop()`
  // returned it), not through a function that only forwards: one call fewer between agent.run()
  // and the transport (issue 53 item 8; agent/request-path-depth.test.ts counts them).
  const loadedLoop = (options: RunLoopOptions): RunLoopModule | undefined => {
    const loaded = runLoopModule.value;
    if (loaded === undefined || !schemasLoaded) return undefined;
    // A run whose tree has a budget whose plugin is not loaded yet: it loads it first.
    if (hasTreeBudget(options) && treeBudgetModule.value === undefined) return undefined;
    if (runtime === undefined) {
      // An agent with a cache whose plugin is not loaded yet: its first run loads it.
      if (cacheOptions !== undefined && promptCacheModule.value === undefined) return undefined;
      runtime = loaded.createAgentRuntime(
        config as AgentConfig<unknown>,
        runtimeParts(),
        registeredTurnsOf,
      );
    }
    return loaded;
  };
  // The first run of the process: the loop is loaded first (and off Node what the tools' schemas
  // need). A failed load is not kept (the next run tries again); the run fails with the loader's
  // error, as any import would.
  const startRunAfterLoad = (
    input: AgentInput,
    options: RunLoopOptions,
  ): Promise<AgentResult<Output>> => {
    const loading = Promise.all([
      runLoopModule.load(),
      cacheOptions === undefined ? undefined : promptCacheModule.load(),
      hasTreeBudget(options) ? treeBudgetModule.load() : undefined,
      Promise.all(startSchemaLoads(config.tools.functions.values())),
    ]);
    return loading.then(([module]) => {
      schemasLoaded = true;
      runtime ??= module.createAgentRuntime(
        config as AgentConfig<unknown>,
        runtimeParts(),
        registeredTurnsOf,
      );
      return module.runLoop(config, runtime, input, withTreeBudget(options));
    });
  };
  // Runs in flight, so that close() can abort them and wait for them to settle.
  const inFlight = new Set<InFlightRun>();
  let closing: Promise<void> | undefined;
  const closedError = (): AgentClosedError =>
    new AgentClosedError({ model: config.model, inFlight: false });

  /** A run's options checked (throws what the run rejects with): the agent open, a real signal. */
  const checkedRunOptions = (options: RunOptions | undefined): RunOptions => {
    if (closing !== undefined) throw closedError();
    const checked = checkRunOptions(options);
    if (checked.signal !== undefined && !isAbortSignal(checked.signal)) throw invalidSignalError();
    if (checked.generationConfig !== undefined)
      checkRunGenerationConfig(checked.generationConfig, agentOptions);
    return checked;
  };
  /**
   * A unary run's options checked and turned into the loop's, its own controller following the
   * caller's signal; throws what the run rejects with. Returns before the run starts, so it is
   * not one of the calls between agent.run() and the transport (issue 53 item 8).
   */
  const startUnary = (
    options: RunOptions | undefined,
    conversationId: string | undefined,
    late: LatePlugins | undefined,
  ): UnaryStart => {
    const checked = checkedRunOptions(options);
    const controller = new AbortController();
    // The run's own signal, dropped when the run ends: its abort listener stays for the run.
    holdAbortListener(controller.signal);
    const unfollow = followSignal(checked.signal, controller, config.redact);
    const runOptions = loopOptions(checked, controller.signal, undefined, conversationId, late);
    return { runOptions, controller, unfollow };
  };
  /** The started run kept in flight (for close()) until it settles. */
  const settleUnary = (
    start: UnaryStart,
    result: Promise<AgentResult<Output>>,
  ): Promise<AgentResult<Output>> => {
    const { controller, unfollow } = start;
    const entry: InFlightRun = { abort: (reason) => controller.abort(reason), result };
    inFlight.add(entry);
    // `finally` returns a new promise that settles as `result` does (ECMA-262
    // Promise.prototype.finally): `result` is handled by it, the caller's promise is not. So a
    // failed run whose caller forgot `await` is an unhandled rejection (Node prints it and
    // exits non-zero) instead of failing silently, as `result.then(settle, settle)` made it.
    return result.finally(() => {
      inFlight.delete(entry);
      unfollow();
    });
  };

  /**
   * A streamed run's options checked, its event queue opened (following the caller's signal,
   * steered through its handle) and the loop's options made with the queue's emitter and signal;
   * no `runOptions` when the agent is closed or an option is wrong (the stream then only rejects
   * with `failure`). Returns before the run starts: the caller starts the loop itself, so no frame
   * of this function or of a start closure lies between agent.stream() and the transport (issue 53
   * item 8, as startUnary).
   */
  const startStream = (
    options: RunOptions | undefined,
    conversationId: string | undefined,
    startChild: RunLoopOptions['startChild'],
    recordHook: RunLoopOptions['recordHook'],
    given: LatePlugins | undefined,
    services?: RunLoopOptions['services'],
  ): StreamStart<Output> => {
    let checked: RunOptions;
    try {
      checked = checkedRunOptions(options);
    } catch (failure) {
      return { stream: openAgentStream<Output>(undefined), runOptions: undefined, failure };
    }
    // A stream steers through its handle: with the caller's controller, or one of its own,
    // which joins the run on its first message (a stream nobody steers runs no steering).
    const { steering } = checked;
    const late: LatePlugins | undefined =
      given ?? (steering === undefined ? { joining: undefined, closed: false } : undefined);
    const stream = openAgentStream<Output>(
      checked.signal,
      steering !== undefined ? controllerSteering(steering) : ownSteering(late as LatePlugins),
      undefined,
      config.redact,
    );
    const runOptions = loopOptions(checked, stream.signal, stream.emit, conversationId, late);
    // Set when a durable runner streams (absent for a plain run, as in a unary run's options).
    if (startChild !== undefined) runOptions.startChild = startChild;
    if (recordHook !== undefined) runOptions.recordHook = recordHook;
    if (services !== undefined) runOptions.services = services;
    return { stream, runOptions, failure: undefined };
  };
  /** A started stream marked as gemloop's and kept in flight (for close()) until it settles. */
  const keepStream = (
    stream: AgentStream<Output>,
    plugins: RunOptions['plugins'],
  ): AgentStream<Output> => {
    // The doors walk the keys from here: the run's own plugins' receivers too (keyRootOf).
    markRedactingStream(stream, keyRootOf(config, plugins));
    const entry: InFlightRun = { abort: (reason) => stream.abort(reason), result: stream.result };
    inFlight.add(entry);
    const settle = (): void => {
      inFlight.delete(entry);
    };
    stream.result.then(settle, settle);
    return stream;
  };

  // A run, with the conversation id only a chat session knows (see AgentTurns).
  const turns: AgentTurns<Output> = {
    lateJoin: true,
    name: config.name,
    options: options as AgentOptions<unknown>,
    functionTools: () => config.tools.functions.values(),
    handoffTarget: (name) => ({
      name: name ?? config.name ?? 'agent',
      config: config as AgentConfig<unknown>,
      // Asked by a run of another agent, so the loop is loaded (runLoopModule) by then.
      runtime: () => {
        const loaded = runLoopModule.value;
        if (loaded === undefined) throw new Error('the agent loop is not loaded');
        // A handed-off run uses the runtime's history checks only (its plugins stay the run's):
        // without the cache's plugin loaded yet, one without it serves, and is not kept.
        if (
          runtime === undefined &&
          cacheOptions !== undefined &&
          promptCacheModule.value === undefined
        )
          return loaded.createAgentRuntime(
            config as AgentConfig<unknown>,
            undefined,
            registeredTurnsOf,
          );
        runtime ??= loaded.createAgentRuntime(
          config as AgentConfig<unknown>,
          runtimeParts(),
          registeredTurnsOf,
        );
        return runtime;
      },
    }),
    run(input, options, conversationId, late): Promise<AgentResult<Output>> {
      // As agent.run below, with the chat session's conversation id and late plugins.
      let start: UnaryStart;
      try {
        start = startUnary(options, conversationId, late);
      } catch (error) {
        return Promise.reject(error);
      }
      const loop = loadedLoop(start.runOptions);
      return settleUnary(
        start,
        loop === undefined
          ? startRunAfterLoad(input, start.runOptions)
          : loop.runLoop(config, runtime as AgentRuntime, input, withTreeBudget(start.runOptions)),
      );
    },
    child(input, { signal, history }, parent): Promise<AgentResult<Output>> {
      if (closing !== undefined) return Promise.reject(closedError());
      // No checkRunOptions: these options are built by subagent() (the call's signal, the slice
      // of `history`, which normalizeInput checks as any history), never typed by a user, so the
      // options object has no unknown key to refuse and no value that check would look at.
      const controller = new AbortController();
      holdAbortListener(controller.signal);
      const unfollow = followSignal(signal, controller);
      const runOptions: RunLoopOptions = {
        signal: controller.signal,
        streaming: parent.streaming,
        conversationId: undefined,
        emit: undefined,
        history,
        parent,
      };
      const loop = loadedLoop(runOptions);
      const result =
        loop === undefined
          ? startRunAfterLoad(input, runOptions)
          : loop.runLoop(config, runtime as AgentRuntime, input, withTreeBudget(runOptions));
      const entry: InFlightRun = { abort: (reason) => controller.abort(reason), result };
      inFlight.add(entry);
      return result.finally(() => {
        inFlight.delete(entry);
        unfollow();
      });
    },
    stream(
      input,
      options,
      conversationId,
      startChild,
      recordHook,
      given,
      services,
    ): AgentStream<Output> {
      // As agent.stream below, with what only a chat session or a durable runner passes.
      const { stream, runOptions, failure } = startStream(
        options,
        conversationId,
        startChild,
        recordHook,
        given,
        services,
      );
      if (runOptions === undefined) return stream.attach(Promise.reject(failure));
      const loop = loadedLoop(runOptions);
      return keepStream(
        stream.attach(
          loop === undefined
            ? startRunAfterLoad(input, runOptions)
            : loop.runLoop(config, runtime as AgentRuntime, input, withTreeBudget(runOptions)),
        ),
        runOptions.plugins,
      );
    },
  };

  const agent = {
    model: config.model,
    get plugins(): readonly AgentPlugin[] {
      return listedPlugins;
    },
    // turns.run's body, not a call of it: one call fewer between agent.run() and the transport
    // (issue 53 item 8; agent/request-path-depth.test.ts).
    run: (input: AgentInput, options?: RunOptions): Promise<AgentResult<Output>> => {
      let start: UnaryStart;
      try {
        start = startUnary(options, undefined, undefined);
      } catch (error) {
        return Promise.reject(error);
      }
      const loop = loadedLoop(start.runOptions);
      return settleUnary(
        start,
        loop === undefined
          ? startRunAfterLoad(input, start.runOptions)
          : loop.runLoop(config, runtime as AgentRuntime, input, withTreeBudget(start.runOptions)),
      );
    },
    // turns.stream's body, not a call of it (issue 53 item 8, as run above): the loop is started
    // from this frame, the stream's queue opened by startStream and attached to the run after.
    stream: (input: AgentInput, options?: RunOptions): AgentStream<Output> => {
      const { stream, runOptions, failure } = startStream(
        options,
        undefined,
        undefined,
        undefined,
        undefined,
      );
      if (runOptions === undefined) return stream.attach(Promise.reject(failure));
      const loop = loadedLoop(runOptions);
      return keepStream(
        stream.attach(
          loop === undefined
            ? startRunAfterLoad(input, runOptions)
            : loop.runLoop(config, runtime as AgentRuntime, input, withTreeBudget(runOptions)),
        ),
        runOptions.plugins,
      );
    },
    close(): Promise<void> {
      closing ??= closeAgent();
      return closing;
    },
  } satisfies Omit<Agent<Output>, typeof Symbol.asyncDispose> as Agent<Output>;
  // Only where the runtime has the symbol: no polyfill, and no `undefined` key.
  if (typeof Symbol.asyncDispose === 'symbol') {
    (agent as { [Symbol.asyncDispose]: () => Promise<void> })[Symbol.asyncDispose] = () =>
      agent.close();
  }

  registerAgentTurns(agent, turns);

  async function closeAgent(): Promise<void> {
    const runs = [...inFlight];
    if (runs.length > 0) {
      const reason = new AgentClosedError({ model: config.model, inFlight: true });
      for (const run of runs) run.abort(reason);
      // An aborted run settles at once (a tool that ignores its signal is left running in the
      // background, see runToolCall), so this wait is short; the tools are closed after it, so no
      // run of this agent uses a tool once its connection is closing.
      await Promise.allSettled(runs.map((run) => run.result));
    }
    if (isLevelEnabled(config.logger, 'debug')) {
      config.logger.debug(
        { abortedRuns: runs.length, tools: config.tools.functions.size },
        'agent closing its tools',
      );
    }
    await Promise.all([
      // Loaded here, not with the root (bench/README.md, "Cold import"): closing is rare, and
      // ToolCloseError is thrown only here. The cache is deleted whether or not the load works.
      import('./tool-calls/close-tools.ts').then(({ closeTools }) =>
        closeTools(config.tools.functions.values(), { redact: config.redact }),
      ),
      promptCache?.close(),
    ]);
  }

  return agent;
}

// The loop and its phases (about 40 modules: the request, tool calls, outcomes, thought
// signatures, structured output, the prompt cache's step side) are loaded by the first run, not by
// `import '@gemloop/core'`: Node's ESM loader pays for every module at import, and the root must
// stay cheap to import (bench/README.md, "Cold import"). Once loaded, a run starts synchronously,
// exactly as with a static import (see `loadedLoop` in createAgent).
type RunLoopModule = typeof import('./loop/run-loop.ts');

/**
 * A streamed run about to start: its event queue and the loop's options; or, when the agent is
 * closed or an option is wrong, no options and the `failure` the stream rejects with (such a
 * stream is not kept in flight).
 */
type StreamStart<Output> = {
  stream: OpenedAgentStream<Output>;
  runOptions: RunLoopOptions | undefined;
  failure: unknown;
};

/** A unary run about to start: the loop's options, and what ends with the run. */
type UnaryStart = {
  runOptions: RunLoopOptions;
  controller: AbortController;
  /** Stops following the caller's signal. */
  unfollow: () => void;
};
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

/** Whether a run's tree has a budget: its own `budget` (a top run), or its parent's (a subagent). */
function hasTreeBudget(options: RunLoopOptions): boolean {
  return options.budget !== undefined || options.parent?.budget !== undefined;
}

/**
 * The run's options with the tree budget's plugin after its own plugins, when its tree has a
 * budget (the plugin's module is loaded by then: see `loadedLoop`); else the options as they are.
 */
function withTreeBudget(options: RunLoopOptions): RunLoopOptions {
  if (!hasTreeBudget(options)) return options;
  const plugin = (treeBudgetModule.value as TreeBudgetModule).treeBudgetPlugin;
  return { ...options, plugins: [...((options.plugins ?? []) as AgentPlugin[]), plugin] };
}

// The `cache` option's plugin, loaded by the first run of an agent that has it (see createAgent).
type PromptCacheModule = typeof import('../prompt-cache/agent-prompt-cache.ts');
const promptCacheModule = new LoadOnce(
  (): Promise<PromptCacheModule> => import('../prompt-cache/agent-prompt-cache.ts'),
);

/**
 * Loads the loop now, as an agent's first run would; a failure is left for that run to report
 * (see `preloadRunPath`).
 * @internal
 */
export async function preloadRunLoop(): Promise<void> {
  await runLoopModule.load().catch(() => {});
}

/** A run in flight: how to abort it and when it settles. */
type InFlightRun = { abort: (reason: unknown) => void; result: Promise<unknown> };

/**
 * The agent's plugins as `agent.plugins` lists them: its resolved ones, those that only wrap its
 * requests (the `api` option's last), the prompt cache's (made by the first run of an agent with
 * `cache`), then its defaults.
 */
function listPlugins(
  config: AgentConfig<unknown>,
  cache: AgentPlugin | undefined,
): readonly AgentPlugin[] {
  const plugins = [...(config.plugins?.plugins ?? [])];
  for (const plugin of config.requestPlugins) if (!plugins.includes(plugin)) plugins.push(plugin);
  if (cache !== undefined) plugins.push(cache);
  return Object.freeze([...plugins, ...config.defaultPlugins]);
}

/** The loop's options of a top run (unary without `emit`, streamed with the stream's). */
function loopOptions(
  checked: RunOptions,
  signal: AbortSignal,
  emit: RunLoopOptions['emit'],
  conversationId: string | undefined,
  late: LatePlugins | undefined,
): RunLoopOptions {
  return {
    signal,
    streaming: emit !== undefined,
    conversationId,
    emit,
    history: checked.history,
    stopWhen: readStopWhen(checked.stopWhen),
    late,
    budget: checked.budget,
    compaction: checked.compaction,
    plugins: withGuardrails(withSteering(checked.plugins, checked.steering), checked.guardrails),
    generationConfig: checked.generationConfig,
  };
}

/**
 * The run's plugins with those its own `guardrails` carry (a chat session's joined in) after them:
 * the option is sugar for plugins, run after the agent's (the seam's order), and the loop knows
 * no guardrail.
 */
function withGuardrails(
  plugins: RunOptions['plugins'],
  guardrails: RunOptions['guardrails'],
): RunOptions['plugins'] {
  if (guardrails === undefined) return plugins;
  return [...((plugins ?? []) as AgentPlugin[]), ...guardrails.leading, ...guardrails.trailing];
}

/** The run's plugins with the steering plugin its controller carries (`options.steering`). */
function withSteering(
  plugins: RunOptions['plugins'],
  steering: RunOptions['steering'],
): RunOptions['plugins'] {
  const plugin = pluginCarriedBy(steering);
  return plugin === undefined ? plugins : [...((plugins ?? []) as AgentPlugin[]), plugin];
}

/** A stream's `steer()`/`queue()` with the caller's controller. */
function controllerSteering(steering: RunOptions['steering']): StreamSteering | undefined {
  if (steering === undefined) return undefined;
  return {
    add: (mode, message) => steering[mode](message),
    send: steering.send,
    closed: () => false,
  };
}
