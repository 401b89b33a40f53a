import type { FunctionTool } from '../../tools/tool.ts';
import { handOffName } from '../hand-off-target.ts';
import type {
  PluginStop,
  PluginToolDecision,
  RunPlugins,
  ToolCheck,
} from '../plugins/run-plugins.ts';
import { decideParsed, decideToolCall, safeParseArgs } from './decide-tool-call.ts';
import type { ExecuteOutcome, ReadyToolCall, RunToolCallOptions } from './execute-outcome.ts';
import { hookFailed } from './hook-failed.ts';
import { rawArgsOf } from './raw-args.ts';
import { startToolCall } from './start-tool-call.ts';

/** What the tool path gives: the outcome or the call cleared, a promise only when a hook made one. */
type Decided = ExecuteOutcome | ReadyToolCall | Promise<ExecuteOutcome | ReadyToolCall>;

/**
 * The decision on a call of a run with plugins: not run when a plugin ended the run; else the
 * plugins' `beforeToolCall` (other arguments, a result without running the tool, a denial, an
 * `ask` for a person's approval; a trip), then the decision every call gets (the tool, its schema,
 * the plugins' `checkToolCall`, the tool guardrails' among them, approval) on the arguments the
 * plugins left. A hook that fails makes a `hook-failed` outcome carrying its `PluginError`: the
 * turn is answered, then the run ends with it. Never throws; a promise only when a hook (or the
 * approval hook) returned one, so a call whose hooks are synchronous is decided without a
 * microtask, as a call without plugins is. @internal
 */
export function decideWithPlugins<Output>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
): Decided {
  const { call, signal } = options;
  if (signal.aborted) return { type: 'aborted', args: undefined };
  if (plugins.stop !== undefined)
    return { type: 'denied', message: notRunMessage(plugins.stop), args: undefined };
  if (plugins.hooks.beforeToolCall === undefined) return decideChecked(options, plugins, undefined);
  const args = rawArgsOf(call);
  let decision: ReturnType<RunPlugins['beforeToolCall']>;
  try {
    decision = plugins.beforeToolCall({
      toolName: call.name,
      toolCallId: options.toolCallId,
      stepNumber: options.stepNumber,
      callIndex: options.callIndex,
      args,
    });
  } catch (error) {
    return hookFailed(error, undefined);
  }
  if (decision instanceof Promise)
    return decision.then(
      (settled) => decideBefore(options, plugins, args, settled),
      (error: unknown) => hookFailed(error, undefined),
    );
  return decideBefore(options, plugins, args, decision);
}

/** The decision after the `beforeToolCall` chain's (`decision`). */
function decideBefore<Output>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  args: Record<string, unknown>,
  decision: PluginToolDecision | undefined,
): Decided {
  if (decision === undefined) return decideChecked(options, plugins, undefined);
  if (decision.type === 'result') return { type: 'value', value: decision.result, args };
  if (decision.type === 'deny') return { type: 'denied', message: decision.message, args };
  // Other arguments: parsed, guarded and approved as the model's would be. The history keeps the
  // model's call as it came; only the tool sees these. An `ask` goes the same way, then to the
  // approval hook as a call that needs an explicit approve.
  const { call } = options;
  const changed =
    decision.args === undefined ? options : { ...options, call: { ...call, args: decision.args } };
  return decideChecked(changed, plugins, decision.type === 'ask' ? decision.askedBy : undefined);
}

/**
 * The decision every call gets (`decideToolCall`) with the plugins' part after the arguments
 * parsed: their `checkToolCall` (deny, ask, trip), and a plugin's `ask` (from `beforeToolCall`
 * or `checkToolCall`, the first), which sends the call to the approval hook as one that needs an
 * explicit approve.
 */
function decideChecked<Output>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  askedBy: string | undefined,
): Decided {
  if (plugins.hooks.checkToolCall === undefined && askedBy === undefined)
    return decideToolCall(options);
  const { config, call } = options;
  const tool = config.tools.functions.get(call.name);
  if (tool === undefined) return { type: 'unknown-tool', args: undefined };
  const parsed = safeParseArgs(tool, call.args);
  if (!parsed.success)
    return { type: 'invalid-args', issues: parsed.issues, fromHook: false, args: undefined };
  const input = parsed.value;
  if (plugins.hooks.checkToolCall === undefined) return decideParsed(options, tool, input, askedBy);
  let checked: ReturnType<RunPlugins['checkToolCall']>;
  try {
    checked = plugins.checkToolCall({
      toolName: call.name,
      toolCallId: options.toolCallId,
      stepNumber: options.stepNumber,
      callIndex: options.callIndex,
      args: rawArgsOf(call),
      input,
    });
  } catch (error) {
    return hookFailed(error, input);
  }
  if (checked instanceof Promise)
    return checked.then(
      (settled) => decideAfterCheck(options, tool, input, askedBy, settled),
      (error: unknown) => hookFailed(error, input),
    );
  return decideAfterCheck(options, tool, input, askedBy, checked);
}

/** The decision after the `checkToolCall` chain's (`checked`): denied, or approved as asked. */
function decideAfterCheck<Output>(
  options: RunToolCallOptions<Output>,
  tool: FunctionTool<unknown, unknown>,
  input: unknown,
  askedBy: string | undefined,
  checked: ToolCheck | undefined,
): Decided {
  if (checked?.type === 'deny') return { type: 'denied', message: checked.message, args: input };
  return decideParsed(options, tool, input, askedBy ?? checked?.askedBy);
}

/**
 * A call of a run with plugins, decided ({@link decideWithPlugins}) and, when cleared, started;
 * a promise only when either made one. @internal
 */
export function runWithPlugins<Output>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  const decision = decideWithPlugins(options, plugins);
  if (decision instanceof Promise)
    return decision.then((settled) =>
      settled.type === 'ready' ? startToolCall(options, settled) : settled,
    );
  return decision.type === 'ready' ? startToolCall(options, decision) : decision;
}

/**
 * What the plugins' `afterToolCall` make of a call's result (what the model gets, as `sent`); a
 * hook that fails makes a `hook-failed` outcome carrying its `PluginError`. Never throws; a
 * promise only when a hook returned one. @internal
 */
export function afterToolCallWithPlugins<Output>(
  { call, toolCallId, stepNumber, callIndex }: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  outcome: ExecuteOutcome,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  if (plugins.hooks.afterToolCall === undefined || outcome.type !== 'value') return outcome;
  const given = outcome.sent ?? outcome.value;
  let refused: string | undefined;
  const sent = (result: unknown): ExecuteOutcome => {
    if (refused !== undefined) return { ...outcome, sent: refused };
    return result === given ? outcome : { ...outcome, sent: result };
  };
  let result: ReturnType<RunPlugins['afterToolCall']>;
  try {
    result = plugins.afterToolCall(
      {
        toolName: call.name,
        toolCallId,
        stepNumber,
        callIndex,
        args: rawArgsOf(call),
        input: outcome.args,
        result: given,
      },
      (decision) => {
        // The turn's first is taken, once its calls are answered (`plugins.handOff`, which the
        // loop clears when it takes it); another call's answer must not say it was made, or the
        // history would tell the model the wrong agent holds the run.
        const taken = plugins.handOff;
        if (taken === undefined) plugins.handOff = decision;
        else
          refused = `Not transferred to ${handOffName(decision, plugins.facts.turnsOf)}: this turn transferred the conversation to ${handOffName(taken, plugins.facts.turnsOf)} already.`;
      },
    );
  } catch (error) {
    return hookFailed(error, outcome.args);
  }
  if (result instanceof Promise)
    return result.then(sent, (error: unknown) => hookFailed(error, outcome.args));
  return sent(result);
}

/** What the model is told about a call a plugin's end of the run left unrun. */
function notRunMessage(stop: PluginStop): string {
  return `Not run: the run was ended by plugin "${stop.plugin}" (${stop.reason}).`;
}
