import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { followSignal, holdAbortListener, isAbortSignal } from '../shared/on-abort.ts';
import { ownSteering } from '../steering/own-steering.ts';
import type { AgentRuns, InFlightRun } from './agent-runs.ts';
import {
  type AgentStream,
  invalidSignalError,
  type OpenedAgentStream,
  openAgentStream,
  type StreamSteering,
} from './agent-stream.ts';
import type { RunOptions } from './config/agent-options.ts';
import { checkRunOptions } from './config/check-run-options.ts';
import { checkRunGenerationConfig } from './config/options/generation-config.ts';
import { readStopWhen } from './config/options/steps.ts';
import { AgentClosedError } from './errors/agent-closed-error.ts';
import { loadedLoop, runningDepthNow, startRunAfterLoad, withTreeBudget } from './loaded-loop.ts';
import type { AgentRuntime } from './loop/agent-runtime.ts';
import type { RunLoopOptions } from './loop/run/run-loop-options.ts';
import type { AgentPlugin } from './plugins/agent-plugin.ts';
import { pluginCarriedBy } from './plugins/plugin-engine-of.ts';
import type { LatePlugins } from './plugins/run-plugins.ts';
import { keyRootOf, markRedactingStream } from './redacting-streams.ts';
import type { ChildRunOptions, ChildRunParent } from './run-state/run-link.ts';

/**
 * A streamed run about to start: its event queue and the loop's options; or, when the agent is
 * closed or an option is wrong, no options and the `failure` the stream rejects with (such a
 * stream is not kept in flight).
 * @internal
 */
export type StreamStart<Output> = {
  stream: OpenedAgentStream<Output>;
  runOptions: RunLoopOptions | undefined;
  failure: unknown;
};

/** A unary run about to start: the loop's options, and what ends with the run. @internal */
export type UnaryStart = {
  runOptions: RunLoopOptions;
  controller: AbortController;
  /** Stops following the caller's signal. */
  unfollow: () => void;
};

/** The error of a run started once the agent is closing. */
function closedError<Output>(runs: AgentRuns<Output>): AgentClosedError {
  return new AgentClosedError({ model: runs.config.model, inFlight: false });
}

/** A run's options checked (throws what the run rejects with): the agent open, a real signal. */
function checkedRunOptions<Output>(
  runs: AgentRuns<Output>,
  options: RunOptions | undefined,
): RunOptions {
  if (runs.closing !== undefined) throw closedError(runs);
  const checked = checkRunOptions(options);
  if (checked.signal !== undefined && !isAbortSignal(checked.signal)) throw invalidSignalError();
  if (checked.generationConfig !== undefined)
    checkRunGenerationConfig(checked.generationConfig, runs.options);
  return checked;
}

/**
 * A unary run's options checked and turned into the loop's, its own controller following the
 * caller's signal; throws what the run rejects with. Returns before the run starts, so it is
 * not one of the calls between agent.run() and the transport (issue 53 item 8).
 * @internal
 */
export function startUnary<Output>(
  runs: AgentRuns<Output>,
  options: RunOptions | undefined,
  conversationId: string | undefined,
  late: LatePlugins | undefined,
): UnaryStart {
  const checked = checkedRunOptions(runs, options);
  const controller = new AbortController();
  // The run's own signal, dropped when the run ends: its abort listener stays for the run.
  holdAbortListener(controller.signal);
  const unfollow = followSignal(checked.signal, controller, runs.config.redact);
  const runOptions = loopOptions(checked, controller.signal, undefined, conversationId, late);
  return { runOptions, controller, unfollow };
}

/**
 * The started run kept in flight (for close()) until it settles.
 * @internal
 */
export function settleUnary<Output>(
  runs: AgentRuns<Output>,
  start: UnaryStart,
  result: Promise<AgentResult<Output>>,
): Promise<AgentResult<Output>> {
  const { controller, unfollow } = start;
  const entry: InFlightRun = { abort: (reason) => controller.abort(reason), result };
  runs.inFlight.add(entry);
  // `finally` returns a new promise that settles as `result` does (ECMA-262
  // Promise.prototype.finally): `result` is handled by it, the caller's promise is not. So a
  // failed run whose caller forgot `await` is an unhandled rejection (Node prints it and
  // exits non-zero) instead of failing silently, as `result.then(settle, settle)` made it.
  return result.finally(() => {
    runs.inFlight.delete(entry);
    unfollow();
  });
}

/**
 * A subagent's run (`AgentTurns.child`): started by a tool of another run, with its own
 * controller following the call's signal, and kept in flight until it settles.
 * @internal
 */
export function startChildRun<Output>(
  runs: AgentRuns<Output>,
  input: AgentInput,
  { signal, history }: ChildRunOptions,
  parent: ChildRunParent,
): Promise<AgentResult<Output>> {
  if (runs.closing !== undefined) return Promise.reject(closedError(runs));
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
  const loop = loadedLoop(runs, runOptions);
  const result =
    loop === undefined
      ? startRunAfterLoad(runs, input, runOptions)
      : loop.runLoop(runs.config, runs.runtime as AgentRuntime, input, withTreeBudget(runOptions));
  return settleUnary(runs, { runOptions, controller, unfollow }, result);
}

/**
 * A streamed run's options checked, its event queue opened (following the caller's signal,
 * steered through its handle) and the loop's options made with the queue's emitter and signal;
 * no `runOptions` when the agent is closed or an option is wrong (the stream then only rejects
 * with `failure`). Returns before the run starts: the caller starts the loop itself, so no frame
 * of this function or of a start closure lies between agent.stream() and the transport (issue 53
 * item 8, as `startUnary`).
 * @internal
 */
export function startStream<Output>(
  runs: AgentRuns<Output>,
  options: RunOptions | undefined,
  conversationId: string | undefined,
  startChild: RunLoopOptions['startChild'],
  recordHook: RunLoopOptions['recordHook'],
  given: LatePlugins | undefined,
  services?: RunLoopOptions['services'],
): StreamStart<Output> {
  let checked: RunOptions;
  try {
    checked = checkedRunOptions(runs, options);
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
    runs.config.redact,
  );
  const runOptions = loopOptions(checked, stream.signal, stream.emit, conversationId, late);
  // Set when a durable runner streams (absent for a plain run, as in a unary run's options).
  if (startChild !== undefined) runOptions.startChild = startChild;
  if (recordHook !== undefined) runOptions.recordHook = recordHook;
  if (services !== undefined) runOptions.services = services;
  return { stream, runOptions, failure: undefined };
}

/**
 * A started stream marked as gemloop's and kept in flight (for close()) until it settles.
 * @internal
 */
export function keepStream<Output>(
  runs: AgentRuns<Output>,
  stream: AgentStream<Output>,
  plugins: RunOptions['plugins'],
): AgentStream<Output> {
  // The doors walk the keys from here: the run's own plugins' receivers too (keyRootOf).
  markRedactingStream(stream, keyRootOf(runs.config, plugins));
  const entry: InFlightRun = { abort: (reason) => stream.abort(reason), result: stream.result };
  runs.inFlight.add(entry);
  const settle = (): void => {
    runs.inFlight.delete(entry);
  };
  stream.result.then(settle, settle);
  return stream;
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
    // Read now, while the hook or tool that may have called agent.run() is being called.
    depth: runningDepthNow(),
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
