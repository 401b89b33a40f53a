import type { AgentOptions } from '../../agent/config/agent-options.ts';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../../agent/config/options/tool-runs.ts';
import { GuardrailTrippedError } from '../../agent/errors/guardrail-tripped-error.ts';
import type { ToolExecution } from '../../agent/plugins/agent-plugin.ts';
import { boundedToolErrorText } from '../../agent/plugins/bounded-tool-error.ts';
import type { RunPlugins } from '../../agent/plugins/run-plugins.ts';
import { callAtDepth } from '../../agent/run-state/run-link.ts';
import { decideApproved, safeParseArgs } from '../../agent/tool-calls/decide-tool-call.ts';
import { delegatedFailureOf } from '../../agent/tool-calls/delegated-result.ts';
import { safeToolErrorMessage } from '../../agent/tool-calls/safe-tool-error-message.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import type { ComposedGuardrails } from '../../guardrails/compose-guardrails.ts';
import type {
  GuardrailRunOptions,
  GuardrailTrip,
} from '../../guardrails/guardrail-check-results.ts';
import type { LiveGuardrails } from '../../guardrails/live-guardrails.ts';
import { silentLogger } from '../../logging/logger.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { MAX_TIMER_MS } from '../../shared/max-timer-ms.ts';
import { untilAborted } from '../../shared/until-aborted.ts';
import { boundName } from '../../telemetry/genai-span-attributes.ts';
import type { FunctionTool, ToolArgumentIssue } from '../../tools/tool.ts';
import type { FunctionCall } from '../../wire/content.ts';

/** One function call of a live session's `toolCall` frame. @internal */
export type LiveCall = {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Its place among the calls of its frame. */
  callIndex: number;
};

/** What a live call's path reads: the agent's options, its tools, and the session's plugins. @internal */
export type LiveCallContext = {
  agent: AgentOptions<unknown>;
  functions: ReadonlyMap<string, FunctionTool>;
  /** The session's plugins with a tool-call hook; `undefined`: none. */
  plugins: RunPlugins | undefined;
  /**
   * The session's run depth: the tool is called at it (`callAtDepth`), so an `agent.run()` it
   * makes before its first await nests one deeper, as a run's tool's does.
   */
  depth: number;
  /**
   * The agent's guardrails (their tool checks and `onToolError`) with the checks the guardrails
   * value carries; `undefined`: none.
   */
  guardrails: LiveGuardrails | undefined;
  /** What the guardrails' checks share, given the call's signal. */
  guardrailOptions: (signal: AbortSignal) => GuardrailRunOptions;
  /** The session's redactor (the client's secrets), for what is logged of a hook's throw. */
  redact: (text: string) => string;
};

/**
 * How a live call ended: a value for the model (`output` what the tool returned, `sent` what the
 * plugins' `afterToolCall` made of it), a failure the model is told about, or a hook that threw
 * (the call is answered, then the session ends with `error`). @internal
 */
export type LiveCallOutcome =
  | { type: 'value'; output: unknown; sent: unknown; modifiedArgs?: unknown }
  | {
      type: 'failed';
      outcome: 'error' | 'denied' | 'unknown-tool' | 'invalid-args';
      message: string;
      issues?: ToolArgumentIssue[] | undefined;
      /** The arguments an approval's `modify` ran the tool with (the model's were others). */
      modifiedArgs?: unknown;
      /** What the tool threw (`error`), for `toolErrors: 'throw'`'s error. */
      cause?: unknown;
      /** The limit a call that timed out had (`error`). */
      timeoutMs?: number | undefined;
    }
  | { type: 'hook-failed'; message: string; error: unknown }
  /** A tool guardrail said `throw` (or its check failed closed): answered, then the session ends. */
  | { type: 'guardrail-tripped'; message: string; trip: GuardrailTrip }
  | { type: 'aborted' };

// A live call has no step of a run: its hooks see step 0, as they always did here.
const LIVE_STEP = 0;

// The abort itself is the signal's: the tool already saw it there.
const ignoreAbort = (): void => {};

/**
 * One live tool call through the same path a run's call takes (docs/writing-a-plugin.md): the
 * plugins' `beforeToolCall` (other arguments, a result without running the tool, a denial; before
 * parsing), the tool's schema, the agent's approval hook (`beforeToolCall` option: approve, deny,
 * modify), the plugins' `wrapToolCall` around `execute`, then their `afterToolCall` on the value.
 * `signal` is the call's own (the server's cancellation, the tool's timeout, the session's end).
 * Never throws. @internal
 */
export async function runLiveToolCall(
  context: LiveCallContext,
  call: LiveCall,
  signal: AbortSignal,
): Promise<LiveCallOutcome> {
  // What ran is said beside the model's arguments when an approval modified them, as a run's
  // record says it (its `tool-call-end`'s `modifiedArgs`): the outcome of a call that ran or
  // failed carries them.
  const modified: { args?: { value: unknown } } = {};
  const outcome = await runCall(context, call, signal, (value) => {
    modified.args = { value };
  });
  return modified.args !== undefined && (outcome.type === 'value' || outcome.type === 'failed')
    ? { ...outcome, modifiedArgs: modified.args.value }
    : outcome;
}

/** {@link runLiveToolCall}'s path; `onModified` hears the arguments an approval's `modify` set. */
async function runCall(
  context: LiveCallContext,
  call: LiveCall,
  signal: AbortSignal,
  onModified: (args: unknown) => void,
): Promise<LiveCallOutcome> {
  const { agent, functions, plugins, guardrails } = context;
  if (plugins?.stop !== undefined) {
    return {
      type: 'failed',
      outcome: 'denied',
      message: `Not run: the live session was ended by plugin "${plugins.stop.plugin}" (${plugins.stop.reason}).`,
    };
  }
  const draft = {
    toolName: call.name,
    toolCallId: call.id,
    stepNumber: LIVE_STEP,
    callIndex: call.callIndex,
    args: call.args,
  };
  let args = call.args;
  // A plugin's `ask`: the call needs a person's explicit approval (as a tool guardrail's `ask`).
  let pluginAsked: string | undefined;
  if (plugins?.hooks.beforeToolCall !== undefined) {
    let decision: Awaited<ReturnType<RunPlugins['beforeToolCall']>>;
    try {
      decision = await plugins.beforeToolCall(draft);
    } catch (error) {
      return notRun(call.name, error);
    }
    if (decision?.type === 'deny')
      return { type: 'failed', outcome: 'denied', message: decision.message };
    if (decision?.type === 'result')
      return afterCall(plugins, { ...draft, input: args }, decision.result, decision.result);
    if (decision?.type === 'ask') pluginAsked = decision.askedBy;
    if (decision?.args !== undefined) args = decision.args;
  }
  const tool = functions.get(call.name);
  if (tool === undefined) {
    return {
      type: 'failed',
      outcome: 'unknown-tool',
      // The name cut as a span cuts it, the key out first (a cut through it would keep its start):
      // whole, a 5 MB name the server sent went back to it twice in the answer (its `name` and
      // this message) and twice into the recording (attack41).
      message: `There is no tool named "${boundName(context.redact(call.name))}". Call one of: ${[...functions.keys()].join(', ')}.`,
    };
  }
  const parsed = safeParseArgs(tool as FunctionTool<unknown, unknown>, args);
  if (!parsed.success) {
    return {
      type: 'failed',
      outcome: 'invalid-args',
      message: `Invalid arguments for ${call.name}.`,
      issues: parsed.issues,
    };
  }
  let input = parsed.value;
  if (plugins?.hooks.checkToolCall !== undefined) {
    let checked: Awaited<ReturnType<RunPlugins['checkToolCall']>>;
    try {
      checked = await plugins.checkToolCall({ ...draft, args, input });
    } catch (error) {
      return notRun(call.name, error);
    }
    if (checked?.type === 'deny')
      return { type: 'failed', outcome: 'denied', message: checked.message };
    pluginAsked ??= checked?.askedBy;
  }
  // The agent's tool guardrails, as in a run (guardrails/tool-guardrails-plugin.ts checkToolCall):
  // after the schema, before the approval hook; `ask` hands the call to that hook as one that
  // needs an explicit approval.
  let askedBy: string | undefined;
  if (guardrails?.appliesTo(guardrails.composed.tools, call.name, 'before')) {
    const checked = await guardrails.checkToolInput(
      guardrails.composed.tools,
      { toolName: call.name, toolCallId: call.id, args: input, stepNumber: LIVE_STEP },
      context.guardrailOptions(signal),
    );
    if (checked.type === 'aborted') return { type: 'aborted' };
    if (checked.type === 'trip') return tripped(call.name, checked);
    if (checked.type === 'deny')
      return { type: 'failed', outcome: 'denied', message: checked.message };
    if (checked.type === 'ask') {
      if (agent.beforeToolCall === undefined) {
        return {
          type: 'failed',
          outcome: 'denied',
          message: `${call.name} needs a person's approval (a tool guardrail asked for it), and this application has no beforeToolCall hook to ask, so it was not run.`,
        };
      }
      askedBy = checked.name;
    }
  }
  if (pluginAsked !== undefined) {
    if (agent.beforeToolCall === undefined)
      return {
        type: 'failed',
        outcome: 'denied',
        message: `${call.name} needs a person's approval ("${pluginAsked}" asked for it), and this application has no beforeToolCall hook to ask, so it was not run.`,
      };
    askedBy = pluginAsked;
  }
  if (agent.beforeToolCall !== undefined) {
    const functionCall: FunctionCall = { id: call.id, name: call.name, args };
    const approved = await decideApproved(
      {
        call: functionCall,
        toolCallId: call.id,
        stepNumber: LIVE_STEP,
        callIndex: call.callIndex,
        contents: [],
        signal,
        beforeToolCall: agent.beforeToolCall,
      },
      tool as FunctionTool<unknown, unknown>,
      input,
      askedBy,
      pluginAsked === undefined ? undefined : `"${pluginAsked}"`,
    );
    switch (approved.type) {
      case 'ready':
        input = approved.args;
        if (approved.modified === true) onModified(input);
        break;
      case 'denied':
        return { type: 'failed', outcome: 'denied', message: approved.message };
      case 'invalid-args':
        return {
          type: 'failed',
          outcome: 'invalid-args',
          message: `Invalid modified arguments for ${call.name}.`,
          issues: approved.issues,
        };
      case 'hook-failed':
        return notRun(call.name, approved.error);
      default:
        return { type: 'aborted' };
    }
  }
  const execute = (): Promise<ToolExecution> =>
    executeLiveTool(tool as FunctionTool<unknown, unknown>, input, call, signal, context);
  let execution: ToolExecution;
  if (plugins?.hooks.wrapToolCall === undefined) execution = await execute();
  else {
    try {
      execution = await plugins.wrapToolCall({ ...draft, input }, execute);
    } catch (error) {
      return notRun(call.name, error);
    }
  }
  switch (execution.type) {
    case 'value': {
      let given = execution.value;
      if (guardrails?.appliesTo(guardrails.composed.tools, call.name, 'after')) {
        const checked = await guardrails.checkToolOutput(
          guardrails.composed.tools,
          {
            toolName: call.name,
            toolCallId: call.id,
            args: input,
            stepNumber: LIVE_STEP,
            result: given,
          },
          context.guardrailOptions(signal),
        );
        if (checked.type === 'aborted') return { type: 'aborted' };
        if (checked.type === 'trip') return tripped(call.name, checked);
        if (checked.type === 'replace') given = checked.result;
      }
      return afterCall(plugins, { ...draft, input }, execution.value, given);
    }
    case 'error':
      return {
        type: 'failed',
        outcome: 'error',
        message: liveToolErrorMessage(guardrails?.composed, call, execution.error, context),
        cause: execution.error,
      };
    case 'timeout':
      return {
        type: 'failed',
        outcome: 'error',
        message: `${call.name} did not finish within ${execution.timeoutMs} ms and was stopped. Try again with a smaller request, or do without it.`,
        timeoutMs: execution.timeoutMs,
      };
    default:
      return { type: 'aborted' };
  }
}

/**
 * Runs the tool under its time limit (`timeoutMs`, the agent's `toolTimeoutMs`, 120 s), counted
 * from here as a run counts it (start-tool-call.ts executeWithTimeout): the approval, the
 * guardrails and the wait for a slot before it are not the tool's time. The tool's own signal
 * aborts with the call's (the server's cancellation, the session's end) or at the limit, and the
 * call settles then, whether the tool looks at its signal or not: a tool deaf to it held its
 * call unanswered for good, with its toolConcurrency slot, a blocking turn and any goAway move
 * (attack57).
 */
async function executeLiveTool(
  tool: FunctionTool<unknown, unknown>,
  input: unknown,
  call: LiveCall,
  signal: AbortSignal,
  { agent, depth }: Pick<LiveCallContext, 'agent' | 'depth'>,
): Promise<ToolExecution> {
  if (signal.aborted) return { type: 'aborted' };
  const limit = tool.timeoutMs ?? agent.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  // Past what a timer holds, as in a run: no limit.
  const timeoutMs = limit <= MAX_TIMER_MS ? limit : undefined;
  const own = new AbortController();
  const forward = (): void => own.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => own.abort(new TimeoutError({ timeoutMs, operation: `tool:${tool.name}` })),
          timeoutMs,
        );
  try {
    const value = await untilAborted(
      Promise.resolve(
        callAtDepth(
          depth,
          (given: unknown) =>
            tool.execute(given, {
              signal: own.signal,
              toolCallId: call.id,
              step: LIVE_STEP,
              callIndex: call.callIndex,
              logger: agent.logger ?? silentLogger,
              contents: [],
            }),
          input,
        ),
      ),
      own.signal,
      ignoreAbort,
    );
    return { type: 'value', value };
  } catch (error) {
    if (signal.aborted) return { type: 'aborted' };
    if (own.signal.aborted && timeoutMs !== undefined) return { type: 'timeout', timeoutMs };
    return { type: 'error', error };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}

/** The value after the plugins' `afterToolCall` (what the model gets). */
async function afterCall(
  plugins: RunPlugins | undefined,
  draft: Parameters<RunPlugins['afterToolCall']>[0] extends infer Draft
    ? Omit<Draft, 'result'>
    : never,
  output: unknown,
  given: unknown,
): Promise<LiveCallOutcome> {
  if (plugins?.hooks.afterToolCall === undefined) return { type: 'value', output, sent: given };
  try {
    return {
      type: 'value',
      output,
      sent: await plugins.afterToolCall({ ...draft, result: given }),
    };
  } catch (error) {
    return notRun(draft.toolName, error);
  }
}

/** A tool guardrail stopped the call: the model is told, as in a run; the session then ends. */
function tripped(name: string, trip: GuardrailTrip): LiveCallOutcome {
  return {
    type: 'guardrail-tripped',
    message: `${name} was stopped by a guardrail (${trip.name}); the session ended.`,
    trip,
  };
}

/**
 * The message the model gets for a tool that threw, as in a run (agent/tool-calls/
 * settle-tool-call.ts toolErrorMessageOf): the guardrails' `onToolError`, else the last plugin's
 * `rewriteToolError` (a run's guardrails come after the agent's plugins, and its last rewrite
 * wins), else the default: a delegated failure's own words (a subagent's), or the safe message
 * (class and message, no stack, paths or addresses). The rewrite sees a subagent's own error.
 * @internal
 */
export function liveToolErrorMessage(
  guardrails: ComposedGuardrails | undefined,
  call: LiveCall,
  error: unknown,
  { agent, plugins, redact }: Pick<LiveCallContext, 'agent' | 'plugins' | 'redact'>,
): string {
  const delegated = delegatedFailureOf(error);
  const defaultMessage = delegated?.message ?? safeToolErrorMessage(call.name, error);
  // A plugin's rewrite comes bounded and redacted (its throw too: ToolHooks.toolErrorRewrite).
  const hook = guardrails?.onToolError ?? plugins?.toolErrorRewrite;
  if (hook === undefined) return defaultMessage;
  const source =
    guardrails?.onToolError === undefined
      ? "a plugin's rewriteToolError"
      : 'guardrails.onToolError';
  try {
    const message: unknown = hook(delegated?.cause ?? error, {
      toolName: call.name,
      toolCallId: call.id,
      defaultMessage,
    });
    // As a run's rewrite: no stack frames, cut (agent/plugins/bounded-tool-error.ts).
    if (typeof message === 'string' && message.trim() !== '') return boundedToolErrorText(message);
  } catch (hookError) {
    // Its words bounded and redacted as its message would have been (a throw holding the key,
    // or a 5 MB text, was logged whole).
    const thrown = boundedToolErrorText(redact(describeThrown(hookError)));
    (agent.logger ?? silentLogger).warn(
      { toolName: call.name, toolCallId: call.id, error: thrown },
      `${source} threw; the default message was sent`,
    );
  }
  return defaultMessage;
}

/** A hook threw: the model is told the call was not run, as in a run; the session then ends. */
function notRun(name: string, error: unknown): LiveCallOutcome {
  // A plugin's trip (`run.trip`) ends the session as a tool guardrail's does.
  if (GuardrailTrippedError.isInstance(error))
    return tripped(name, {
      type: 'trip',
      name: error.guardrailName,
      phase: error.phase,
      reason: error.reason,
    });
  return { type: 'hook-failed', message: `${name} was not run: its approval step failed.`, error };
}
