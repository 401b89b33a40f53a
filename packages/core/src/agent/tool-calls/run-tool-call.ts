import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { appliesTo, checkToolInput } from '../../guardrails/check-tool-guardrails.ts';
import type { ResolvedGuardrails } from '../../guardrails/guardrail-options.ts';
import type { GuardrailTrip } from '../../guardrails/guardrail-trip.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import type { GuardrailCheckRecord } from '../../run/guardrail-check-record.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { onAbort } from '../../shared/on-abort.ts';
import { needsConfirmation, readSafetyDecision } from '../../tools/builtin/safety-decision.ts';
import type {
  FunctionTool,
  ToolArgumentIssue,
  ToolArgumentsResult,
  ToolExecuteContext,
} from '../../tools/tool.ts';
import type { Content, FunctionCall } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { BeforeToolCallDecision, BeforeToolCallHook } from '../config/agent-options.ts';
import { linkToolContext, type RunLink, startsChildRuns } from '../run-state/run-link.ts';
import { rawArgsOf } from './raw-args.ts';

/**
 * How one call went, before it becomes a record and a functionResponse. A `value` that is
 * `acknowledged` answers a call that asked for confirmation, which `beforeToolCall` gave.
 * @internal
 */
export type ExecuteOutcome = { args: unknown } & (
  | {
      type: 'value';
      value: unknown;
      acknowledged?: true | undefined;
      /** What the model gets instead of `value` (a tool guardrail replaced it). */
      sent?: unknown;
    }
  | { type: 'error'; error: unknown }
  | { type: 'timeout'; timeoutMs: number }
  | { type: 'unknown-tool' }
  | { type: 'invalid-args'; issues: ToolArgumentIssue[]; fromHook: boolean }
  | { type: 'denied'; message: string }
  /** `beforeToolCall` threw, or (`invalidDecision`) returned something that is not a decision. */
  | { type: 'hook-failed'; error: unknown; invalidDecision?: boolean }
  | { type: 'aborted' }
  /** A tool guardrail said `throw` (or failed closed): the run ends once the turn is answered. */
  | { type: 'guardrail-tripped'; trip: GuardrailTrip }
);

const aborted = Symbol('aborted');

// The path of a run with no parent, for `beforeToolCall`.
const TOP_PATH: readonly string[] = Object.freeze([]);

// The longest delay setTimeout honours.
const MAX_TIMER_MS = 2_147_483_647;

/** What {@link runToolCall} needs to know about one call. @internal */
export type RunToolCallOptions<Output> = {
  config: AgentConfig<Output>;
  call: FunctionCall;
  toolCallId: string;
  stepNumber: number;
  /** The call's position among the function calls of its turn. */
  callIndex: number;
  contents: readonly Content[];
  signal: AbortSignal;
  /** The run's guardrails, when it has any. */
  guardrails?: ResolvedGuardrails | undefined;
  /** Tells the stream and the observers about a guardrail check. */
  recordGuardrail?: ((record: GuardrailCheckRecord) => void) | undefined;
  /** The run's approval hook: its agent's, or for a subagent without one, the nearest above. */
  beforeToolCall?: BeforeToolCallHook | undefined;
  /** The run's place in its tree, for tools that start child runs. */
  link?: RunLink | undefined;
};

/**
 * One function call: find the tool, parse the arguments, ask `beforeToolCall`, run `execute`
 * within its time limit. Never throws, and settles as soon as `signal` aborts (a tool that ignores
 * its context signal keeps running in the background, but the run does not wait for it).
 *
 * The outcome is returned as it is, not as a promise, when nothing had to be waited for (no
 * approval hook, a synchronous tool or a call that failed before running): most calls of a turn
 * then cost no promise at all.
 * @internal
 */
export function runToolCall<Output>(
  options: RunToolCallOptions<Output>,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  // decideToolCall then startToolCall, without the object a cleared call is handed over in: this
  // is every call's path (issue 27 counts an allocation per call).
  const { config, call, signal } = options;
  if (signal.aborted) return { type: 'aborted', args: undefined };
  const tool = config.tools.functions.get(call.name);
  if (tool === undefined) return { type: 'unknown-tool', args: undefined };
  const parsed = safeParseArgs(tool, call.args);
  if (!parsed.success)
    return { type: 'invalid-args', issues: parsed.issues, fromHook: false, args: undefined };
  const guardrails = options.guardrails;
  if (guardrails !== undefined && appliesTo(guardrails.tools, call.name, 'before')) {
    return decideGuarded(options, guardrails, tool, parsed.value).then((decided) =>
      decided.type === 'ready' ? startToolCall(options, decided) : decided,
    );
  }
  if (options.beforeToolCall !== undefined) {
    return decideApproved(options, tool, parsed.value).then((decided) =>
      decided.type === 'ready' ? startToolCall(options, decided) : decided,
    );
  }
  if (needsConfirmation(readSafetyDecision(call.args))) return unconfirmed(call.name, parsed.value);
  return start(options, tool, parsed.value);
}

/**
 * Google: a `require_confirmation` action must not run before the user confirms; without a hook to
 * ask, nobody can, so the call is refused and the model told why.
 */
function unconfirmed(name: string, args: unknown): ExecuteOutcome {
  return {
    type: 'denied',
    message: `${name} needs the user's confirmation (safety_decision: require_confirmation), and this application has no beforeToolCall hook to ask for it, so it was not run.`,
    args,
  };
}

/**
 * A call cleared to run: its tool and its arguments (as `beforeToolCall` left them), and whether a
 * person confirmed a `require_confirmation` action (its response then says so). @internal
 */
export type ReadyToolCall = {
  type: 'ready';
  tool: FunctionTool<unknown, unknown>;
  args: unknown;
  acknowledged?: true | undefined;
};

/**
 * The first half of {@link runToolCall}: find the tool, parse the arguments, ask
 * `beforeToolCall`. Either the call's final outcome (unknown tool, bad arguments, denied, the
 * hook failed, aborted) or the call cleared to run, for {@link startToolCall}. A promise only
 * when the hook had to be awaited. Never throws.
 * @internal
 */
export function decideToolCall<Output>(
  options: RunToolCallOptions<Output>,
): ExecuteOutcome | ReadyToolCall | Promise<ExecuteOutcome | ReadyToolCall> {
  const { config, call, signal } = options;
  if (signal.aborted) return { type: 'aborted', args: undefined };
  const tool = config.tools.functions.get(call.name);
  if (tool === undefined) return { type: 'unknown-tool', args: undefined };
  const parsed = safeParseArgs(tool, call.args);
  if (!parsed.success)
    return { type: 'invalid-args', issues: parsed.issues, fromHook: false, args: undefined };
  const guardrails = options.guardrails;
  if (guardrails !== undefined && appliesTo(guardrails.tools, call.name, 'before'))
    return decideGuarded(options, guardrails, tool, parsed.value);
  if (options.beforeToolCall !== undefined) return decideApproved(options, tool, parsed.value);
  if (needsConfirmation(readSafetyDecision(call.args))) return unconfirmed(call.name, parsed.value);
  return { type: 'ready', tool, args: parsed.value };
}

/**
 * The second half of {@link runToolCall}: runs a call cleared by {@link decideToolCall}. The
 * tool's `execute` is called before this returns (synchronously), so calls started one after
 * another begin in that order. Never throws.
 * @internal
 */
export function startToolCall<Output>(
  options: RunToolCallOptions<Output>,
  { tool, args, acknowledged }: ReadyToolCall,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  if (acknowledged !== true) return start(options, tool, args);
  // Confirmed: the response says so (`safety_acknowledgement: "true"`, added in toRecord).
  return Promise.resolve(start(options, tool, args)).then((outcome) =>
    outcome.type === 'value' ? { ...outcome, acknowledged: true } : outcome,
  );
}

/**
 * The rest of {@link decideToolCall} when tool guardrails check the call first: `deny` answers it,
 * `throw` (or a check that failed closed) ends the run, `ask` hands it to `beforeToolCall` as a
 * call that needs an explicit approval (the existing approval path), `allow` goes on as usual.
 * Both ways of running a turn's calls (as they are ready, and the replayable order a durable run
 * takes) come through here, so a guardrail decides before any tool starts on either.
 */
async function decideGuarded<Output>(
  options: RunToolCallOptions<Output>,
  guardrails: ResolvedGuardrails,
  tool: FunctionTool<unknown, unknown>,
  parsedArgs: unknown,
): Promise<ExecuteOutcome | ReadyToolCall> {
  const { config, call, toolCallId, stepNumber, contents, signal } = options;
  const checked = await checkToolInput(
    guardrails.tools,
    { toolName: call.name, toolCallId, args: parsedArgs, stepNumber },
    {
      agentName: config.name,
      contents,
      signal,
      now: config.now,
      stepNumber,
      timeoutMs: guardrails.timeoutMs,
      failOpen: guardrails.failOpen,
      record: options.recordGuardrail ?? (() => {}),
    },
  );
  if (checked.type === 'aborted') return { type: 'aborted', args: parsedArgs };
  if (checked.type === 'trip')
    return { type: 'guardrail-tripped', trip: checked, args: parsedArgs };
  if (checked.type === 'deny')
    return { type: 'denied', message: checked.message, args: parsedArgs };
  if (checked.type === 'ask') {
    if (options.beforeToolCall === undefined) {
      return {
        type: 'denied',
        message: `${call.name} needs a person's approval (a tool guardrail asked for it), and this application has no beforeToolCall hook to ask, so it was not run.`,
        args: parsedArgs,
      };
    }
    return decideApproved(options, tool, parsedArgs, checked.name);
  }
  if (options.beforeToolCall !== undefined) return decideApproved(options, tool, parsedArgs);
  if (needsConfirmation(readSafetyDecision(call.args))) return unconfirmed(call.name, parsedArgs);
  return { type: 'ready', tool, args: parsedArgs };
}

/** The rest of {@link decideToolCall} when an approval hook decides first. */
async function decideApproved<Output>(
  options: RunToolCallOptions<Output>,
  tool: FunctionTool<unknown, unknown>,
  parsedArgs: unknown,
  /** The tool guardrail that asked for a person's approval, if one did. */
  askedBy?: string | undefined,
): Promise<ExecuteOutcome | ReadyToolCall> {
  const { call, toolCallId, stepNumber, callIndex, contents, signal, link } = options;
  const rawArgs = rawArgsOf(call);
  let args = parsedArgs;
  const safetyDecision = readSafetyDecision(rawArgs);
  const confirm = needsConfirmation(safetyDecision);
  // A guardrail's `ask`, like a safety decision, takes an explicit approve: silence denies.
  const asked = askedBy !== undefined;
  const explicit = confirm || asked;
  let decision: BeforeToolCallDecision | typeof aborted;
  try {
    const hook = options.beforeToolCall as BeforeToolCallHook;
    decision = await raceAbort(
      Promise.resolve().then(() =>
        hook({
          toolName: call.name,
          toolCallId,
          args,
          rawArgs,
          stepNumber,
          callIndex,
          contents,
          signal,
          safetyDecision,
          path: link?.path ?? TOP_PATH,
          ...(askedBy === undefined ? {} : { askedBy }),
        }),
      ),
      signal,
    );
  } catch (error) {
    return { type: 'hook-failed', error, args };
  }
  if (decision === aborted) return { type: 'aborted', args };
  const problem = checkDecision(decision);
  if (problem !== undefined) {
    // Running the call on a decision nobody can read would approve by accident.
    return {
      type: 'hook-failed',
      invalidDecision: true,
      error: new InvalidArgumentError({
        argument: 'beforeToolCall',
        message: `beforeToolCall returned ${problem} for ${call.name} (${toolCallId}). Return undefined or { type: 'approve' } to run the call, { type: 'deny', message } to refuse it, or { type: 'modify', args } to run it with other arguments.`,
      }),
      args,
    };
  }
  if (asked && !confirm && (decision === undefined || decision === null)) {
    return {
      type: 'denied',
      message: `${call.name} needs a person's approval (a tool guardrail asked for it), and beforeToolCall did not give it, so it was not run.`,
      args,
    };
  }
  if (explicit && (decision === undefined || decision === null)) {
    // Approving by saying nothing is fine for an ordinary call, not for one the safety system
    // wants a person to confirm: that takes an explicit approve (or modify).
    return {
      type: 'denied',
      message: `${call.name} needs the user's confirmation (safety_decision: require_confirmation), and beforeToolCall did not give it (return { type: 'approve' } once the user confirms), so it was not run.`,
      args,
    };
  }
  if (decision !== undefined && decision !== null) {
    if (decision.type === 'deny') {
      const message =
        typeof decision.message === 'string' && decision.message.trim() !== ''
          ? decision.message
          : `The call to ${call.name} was denied by the application. Do not call it again with the same arguments.`;
      return { type: 'denied', message, args };
    }
    if (decision.type === 'modify') {
      const reparsed = safeParseArgs(tool, decision.args);
      if (!reparsed.success) {
        return {
          type: 'invalid-args',
          issues: reparsed.issues,
          fromHook: true,
          args: decision.args,
        };
      }
      args = reparsed.value;
    }
  }
  return confirm
    ? { type: 'ready', tool, args, acknowledged: true }
    : { type: 'ready', tool, args };
}

/** Runs `execute` within the call's time limit, with debug lines around it when enabled. */
function start<Output>(
  {
    config,
    call,
    toolCallId,
    stepNumber,
    callIndex,
    contents,
    signal,
    link,
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
  if (debug) logger.debug({ stepNumber, toolName: call.name, toolCallId }, 'tool call started');
  const outcome = execute(tool, args, {
    timeoutMs,
    signal,
    toolCallId,
    step: stepNumber,
    callIndex,
    logger,
    contents,
    link: link !== undefined && startsChildRuns(tool) ? link : undefined,
  });
  if (!debug) return outcome;
  const logEnd = (ended: ExecuteOutcome): ExecuteOutcome => {
    logger.debug(
      { stepNumber, toolName: call.name, toolCallId, outcome: ended.type },
      'tool call ended',
    );
    return ended;
  };
  return outcome instanceof Promise ? outcome.then(logEnd) : logEnd(outcome);
}

function isArgumentsResult(value: unknown): value is ToolArgumentsResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { success?: unknown; issues?: unknown };
  if (result.success === true) return true;
  return (
    result.success === false &&
    Array.isArray(result.issues) &&
    result.issues.every(
      (issue) =>
        typeof issue === 'object' &&
        issue !== null &&
        Array.isArray((issue as { path?: unknown }).path) &&
        typeof (issue as { message?: unknown }).message === 'string',
    )
  );
}

/** What is wrong with a `beforeToolCall` decision, or `undefined` for a valid one. */
function checkDecision(decision: unknown): string | undefined {
  if (decision === undefined || decision === null) return undefined;
  if (typeof decision !== 'object') return describeValue(decision);
  const type = (decision as { type?: unknown }).type;
  if (type === 'approve' || type === 'deny') return undefined;
  if (type === 'modify') {
    return 'args' in decision ? undefined : "{ type: 'modify' } without args";
  }
  return `an object with type ${describeValue(type)}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null)
    return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function safeParseArgs(
  tool: FunctionTool<unknown, unknown>,
  args: unknown,
): ToolArgumentsResult<unknown> {
  try {
    const result: unknown = tool.parseArgs(args);
    if (isArgumentsResult(result)) return result;
    // A hand-made or third-party FunctionTool whose parseArgs breaks its contract.
    return {
      success: false,
      issues: [
        {
          path: [],
          message: `the arguments could not be checked: the tool's parseArgs returned ${describeValue(result)} instead of { success, value } or { success: false, issues }`,
        },
      ],
    };
  } catch (error) {
    // A schema that throws (an async refinement, a bug) is reported like invalid arguments.
    return {
      success: false,
      issues: [
        {
          path: [],
          message: `the arguments could not be checked: ${describeThrown(error)}`,
        },
      ],
    };
  }
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
  }: {
    timeoutMs: number | undefined;
    signal: AbortSignal;
    /** Set only for a tool that starts child runs (see `markChildRunTool`). */
    link: RunLink | undefined;
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
    );
  }
  if (signal.aborted) return { type: 'aborted', args };
  // Without a time limit the tool gets the turn's signal itself (see executeWithTimeout for the
  // cost of an AbortController per call). A result that is not a promise (a
  // synchronous tool) is the outcome at once: no listener, no promise. The run's signal is read
  // after the call, so a run aborted while the tool ran still ends the call as aborted.
  let result: unknown;
  let then: unknown;
  try {
    const context: ToolExecuteContext = { toolCallId, step, callIndex, logger, contents, signal };
    if (link !== undefined) linkToolContext(context, link);
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
): ExecuteOutcome | Promise<ExecuteOutcome> {
  if (signal.aborted) return { type: 'aborted', args };
  let controller: AbortController | undefined;
  // Why the call was stopped before the tool read its signal, for a signal read later.
  let stopReason: { reason: unknown } | undefined;
  const stop = (reason: unknown): void => {
    if (controller === undefined) stopReason = { reason };
    else controller.abort(reason);
  };
  const callContext: ToolExecuteContext = {
    toolCallId: context.toolCallId,
    step: context.step,
    callIndex: context.callIndex,
    logger: context.logger,
    contents: context.contents,
    get signal(): AbortSignal {
      if (controller === undefined) {
        controller = new AbortController();
        if (stopReason !== undefined) controller.abort(stopReason.reason);
        else if (signal.aborted) controller.abort(signal.reason);
      }
      return controller.signal;
    },
  };
  if (link !== undefined) linkToolContext(callContext, link);
  let result: unknown;
  let then: unknown;
  try {
    result = tool.execute(args, callContext);
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
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ExecuteOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWaiting();
      resolve(outcome);
    };
    const stopWaiting = onAbort(signal, () => {
      stop(signal.reason);
      settle({ type: 'aborted', args });
    });
    const timer = setTimeout(() => {
      stop(new TimeoutError({ timeoutMs, operation: `tool:${tool.name}` }));
      settle({ type: 'timeout', timeoutMs, args });
    }, timeoutMs);
    Promise.resolve(result).then(
      (value) => settle({ type: 'value', value, args }),
      (error: unknown) => settle({ type: 'error', error, args }),
    );
  });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof aborted> {
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
