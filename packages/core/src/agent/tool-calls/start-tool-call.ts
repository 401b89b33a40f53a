import { TimeoutError } from '../../errors/timeout-error.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import { cutName } from '../../shared/cut-text.ts';
import { MAX_TIMER_MS } from '../../shared/max-timer-ms.ts';
import { onAbort } from '../../shared/on-abort.ts';
import type { FunctionTool, ToolExecuteContext } from '../../tools/tool.ts';
import type { ToolStepReports } from '../plugins/hook-chains/tool-step-reports.ts';
import {
  callAtDepth,
  linkToolContext,
  type RunLink,
  startsChildRuns,
} from '../run-state/run-link.ts';
import type { ExecuteOutcome, ReadyToolCall, RunToolCallOptions } from './execute-outcome.ts';
import { giveToolTimer, takeToolTimer } from './tool-timers.ts';
import type { wrapExecution } from './wrap-execution.ts';

// why (sentinel): what raceAbort returns when the signal won, compared by identity; carries
// nothing.
/** What {@link raceAbort} gives when the signal won. @internal */
export const aborted: unique symbol = Symbol('aborted');

/**
 * The second half of {@link runToolCall}: runs a call cleared by {@link decideToolCall}. The
 * tool's `execute` is called before this returns (synchronously), so calls started one after
 * another begin in that order. Never throws.
 * @internal
 */
export function startToolCall<Output>(
  options: RunToolCallOptions<Output>,
  ready: ReadyToolCall,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  const outcome = startReady(options, ready);
  if (ready.modified !== true) return outcome;
  // A call `beforeToolCall` gave other arguments: its record says so.
  return Promise.resolve(outcome).then((settled) => ({ ...settled, modified: true }));
}

function startReady<Output>(
  options: RunToolCallOptions<Output>,
  { tool, args, acknowledged }: ReadyToolCall,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  const plugins = options.plugins;
  if (plugins?.hooks.wrapToolCall !== undefined) {
    // Through the plugins' own implementation (definePlugin carries it); the acknowledgement and
    // the time limit inside the wrappers. In a run with a recorder, the call's in-step reports go
    // to the wrappers and the tool's context alike (a durable runner's step keeps them).
    const stepReports = plugins.toolStepReports(options.stepNumber);
    const inner = { ...options, plugins: undefined, stepReports };
    return (plugins.engine.wrapExecution as typeof wrapExecution)(
      options,
      plugins,
      args,
      () => startToolCall(inner, { type: 'ready', tool, args, acknowledged }),
      stepReports,
    );
  }
  if (acknowledged !== true) return start(options, tool, args);
  // Confirmed: the response says so (`safety_acknowledgement: "true"`, added in toRecord).
  return Promise.resolve(start(options, tool, args)).then((outcome) =>
    outcome.type === 'value' ? { ...outcome, acknowledged: true } : outcome,
  );
}

/** Runs `execute` within the call's time limit, with debug lines around it when enabled. @internal */
export function start<Output>(
  {
    config,
    call,
    toolCallId,
    stepNumber,
    callIndex,
    contents,
    signal,
    link,
    stepReports,
  }: RunToolCallOptions<Output>,
  tool: FunctionTool<unknown, unknown>,
  args: unknown,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  const limit = tool.timeoutMs ?? config.toolTimeoutMs;
  // setTimeout fires at once (after 1 ms) for a delay above 2^31-1 ms, Infinity included: such a
  // limit means "no limit", as `timeoutMs: Infinity` does for the client.
  const timeoutMs = limit !== undefined && limit <= MAX_TIMER_MS ? limit : undefined;
  const logger = config.logger;
  const debug = isLevelEnabled(logger, 'debug');
  // The model wrote the id: logged keyless and cut as the loop quotes a made-up name (a 2 MB id
  // was two 2 MB debug lines, with the key where the model wrote one; doors-bounds41).
  const loggedId = debug ? cutName(config.redact(toolCallId)) : '';
  if (debug)
    logger.debug({ stepNumber, toolName: call.name, toolCallId: loggedId }, 'tool call started');
  // At the run's depth: an agent.run() the tool makes nests one deeper (MAX_RUN_DEPTH).
  const outcome = callAtDepth(
    link?.depth ?? 0,
    () =>
      execute(tool, args, {
        timeoutMs,
        signal,
        toolCallId,
        step: stepNumber,
        callIndex,
        logger,
        contents,
        link: link !== undefined && startsChildRuns(tool) ? link : undefined,
        stepReports,
      }),
    undefined,
  );
  if (!debug) return outcome;
  const logEnd = (ended: ExecuteOutcome): ExecuteOutcome => {
    logger.debug(
      { stepNumber, toolName: call.name, toolCallId: loggedId, outcome: ended.type },
      'tool call ended',
    );
    return ended;
  };
  return outcome instanceof Promise ? outcome.then(logEnd) : logEnd(outcome);
}

function execute(
  tool: FunctionTool<unknown, unknown>,
  args: unknown,
  {
    timeoutMs,
    signal,
    toolCallId,
    step,
    callIndex,
    logger,
    contents,
    link,
    stepReports,
  }: {
    timeoutMs: number | undefined;
    signal: AbortSignal;
    /** Set only for a tool that starts child runs (see `markChildRunTool`). */
    link: RunLink | undefined;
    /** The call's in-step reports, in a run with a recorder (`ToolHooks.toolStepReports`). */
    stepReports: ToolStepReports | undefined;
  } & Omit<ToolExecuteContext, 'signal'>,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  if (timeoutMs !== undefined) {
    return executeWithTimeout(
      tool,
      args,
      timeoutMs,
      signal,
      {
        toolCallId,
        step,
        callIndex,
        logger,
        contents,
      },
      link,
      stepReports,
    );
  }
  if (signal.aborted) return { type: 'aborted', args };
  // Without a time limit the tool gets the turn's signal itself (see executeWithTimeout for the
  // cost of an AbortController per call).
  const context: ToolExecuteContext = { toolCallId, step, callIndex, logger, contents, signal };
  if (link !== undefined) linkToolContext(context, link);
  stepReports?.link(context);
  const result = invoke(tool, args, context, signal);
  if (!isPending(result)) return result;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ExecuteOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // Settles at once when the run aborts: a tool that ignores its signal keeps running in the
    // background, but the run does not wait for it.
    const onAbort = (): void => settle({ type: 'aborted', args });
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(result).then(
      (value) => settle({ type: 'value', value, args }),
      (error: unknown) => settle({ type: 'error', error, args }),
    );
  });
}

/**
 * A call with a time limit: its own signal, aborted by the run's or when the time is up. Every
 * call has one by default (`toolTimeoutMs`), so this is the common path and kept cheap: the
 * call's AbortController is made only when the tool reads `context.signal` (most tools never
 * look), and the timer is armed only for a result that is a promise (a synchronous tool has
 * already finished). Why two paths and a getter: one plain `execute` with an AbortController per
 * call cost 2.1-2.4 % of agent.run's CPU per step (bench/src/ab/ab-dist.ts, 200 rounds each way,
 * load 17-24; an A/A of one build gave 0.99-1.02), issue 27's 2 % line.
 */
function executeWithTimeout(
  tool: FunctionTool<unknown, unknown>,
  args: unknown,
  timeoutMs: number,
  signal: AbortSignal,
  context: Omit<ToolExecuteContext, 'signal'>,
  link?: RunLink,
  stepReports?: ToolStepReports,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  if (signal.aborted) return { type: 'aborted', args };
  new CallSignal(context, signal);
  Object.defineProperty(context, 'signal', CallSignal.property);
  const callContext = context as ToolExecuteContext;
  if (link !== undefined) linkToolContext(callContext, link);
  stepReports?.link(callContext);
  const result = invoke(tool, args, callContext, signal);
  if (!isPending(result)) {
    // The run was aborted while the tool started (it may have stopped the run itself): the signal
    // it took goes the way the run's did, as the listener below would have made it, or a tool that
    // honours its signal worked on to its end, its run long over (attack48a).
    if (result.type === 'aborted') CallSignal.controllerOf(callContext).abort(signal.reason);
    return result;
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ExecuteOutcome): void => {
      if (settled) return;
      settled = true;
      giveToolTimer(timer);
      stopWaiting();
      resolve(outcome);
    };
    const stopWaiting = onAbort(signal, () => {
      CallSignal.controllerOf(callContext).abort(signal.reason);
      settle({ type: 'aborted', args });
    });
    // Pooled by limit (tool-timers.ts): no Node timer list made and deleted per call.
    const timer = takeToolTimer(timeoutMs, {
      expire: () => {
        CallSignal.controllerOf(callContext).abort(
          new TimeoutError({ timeoutMs, operation: `tool:${tool.name}` }),
        );
        settle({ type: 'timeout', timeoutMs, args });
      },
    });
    Promise.resolve(result).then(
      (value) => settle({ type: 'value', value, args }),
      (error: unknown) => settle({ type: 'error', error, args }),
    );
  });
}

/** A constructor that returns the object it is given, so a subclass's private fields go on it. */
class OnTarget {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: on purpose (see CallSignal).
    return target;
  }
}

/**
 * The signal of a call with a time limit, made on first read of `context.signal` (see
 * executeWithTimeout) or when the call is stopped, kept in private fields of the call's context
 * itself: the context stays a plain object with an own, enumerable `signal` getter, one getter
 * shared by every context (and so one shape). A getter closure per call in the context's literal
 * gave each context an accessor of its own, which V8 cannot share between objects: 3.4-4.3 µs a
 * call against 0.6 µs for this (a loop of a million contexts, one process per variant, Node 20
 * at load 44; helper node-path).
 */
class CallSignal extends OnTarget {
  #controller: AbortController | undefined;
  readonly #runSignal: AbortSignal;

  constructor(target: object, runSignal: AbortSignal) {
    super(target);
    this.#runSignal = runSignal;
  }

  /** The descriptor of a timed call's `signal`. */
  static readonly property: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: CallSignal): AbortSignal {
      return CallSignal.controllerOf(this).signal;
    },
  };

  /** The call's controller, made on first use (aborted if the run's signal is). */
  static controllerOf(context: object): AbortController {
    const call = context as CallSignal;
    if (call.#controller === undefined) {
      call.#controller = new AbortController();
      if (call.#runSignal.aborted) call.#controller.abort(call.#runSignal.reason);
    }
    return call.#controller;
  }
}

/**
 * Calls the tool, and gives the outcome when it is already settled: it threw, the run was aborted
 * while it ran (the run's signal is read after the call), or it returned a value that is not a
 * promise (a synchronous tool: no listener, no promise). Otherwise the pending result, for the
 * caller to wait on in its own way (with or without a time limit).
 */
function invoke(
  tool: FunctionTool<unknown, unknown>,
  args: unknown,
  context: ToolExecuteContext,
  signal: AbortSignal,
): ExecuteOutcome | PromiseLike<unknown> {
  let result: unknown;
  let then: unknown;
  try {
    result = tool.execute(args, context);
    then =
      typeof result === 'object' || typeof result === 'function'
        ? (result as { then?: unknown } | null)?.then
        : undefined;
  } catch (error) {
    return signal.aborted ? { type: 'aborted', args } : { type: 'error', error, args };
  }
  if (signal.aborted) {
    if (typeof then === 'function') Promise.resolve(result).catch(() => {});
    return { type: 'aborted', args };
  }
  if (typeof then !== 'function') return { type: 'value', value: result, args };
  return result as PromiseLike<unknown>;
}

/** Whether {@link invoke} left the tool's result pending (an outcome of ours has no `then`). */
function isPending(result: ExecuteOutcome | PromiseLike<unknown>): result is PromiseLike<unknown> {
  return typeof (result as { then?: unknown }).then === 'function';
}

/** `promise`, or {@link aborted} as soon as `signal` aborts (at once when it already has). @internal */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T | typeof aborted> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(aborted);
  }
  return new Promise((resolve, reject) => {
    const stopWaiting = onAbort(signal, () => resolve(aborted));
    promise.then(
      (value) => {
        stopWaiting();
        resolve(value);
      },
      (error: unknown) => {
        stopWaiting();
        reject(error);
      },
    );
  });
}
