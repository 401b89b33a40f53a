import { handOffName } from '../hand-off-target.ts';
import type {
  HandOffDecision,
  PluginStop,
  PluginToolDecision,
  RunPlugins,
} from '../plugins/run-plugins.ts';
import { decideParsed, decideToolCall, safeParseArgs } from './decide-tool-call.ts';
import type { ExecuteOutcome, ReadyToolCall, RunToolCallOptions } from './execute-outcome.ts';
import { afterEarlierCalls, passAfterCall, turnAfterCallsOf } from './hand-off-call-order.ts';
import { hookFailed } from './hook-failed.ts';
import { rawArgsOf } from './raw-args.ts';
import { startToolCall } from './start-tool-call.ts';

/** What the tool path gives: the outcome or the call cleared, a promise only when a hook made one. */
type Decided = ExecuteOutcome | ReadyToolCall | Promise<ExecuteOutcome | ReadyToolCall>;

/**
 * What follows a call's decision, run inside the promise that decided it (`runWithPlugins`: the
 * tool started; a `.then` less a call that had to wait for a hook).
 */
type Finish<R> = (decided: ExecuteOutcome | ReadyToolCall) => R | Promise<R>;

/** A decision given as it is. */
const asDecided: Finish<ExecuteOutcome | ReadyToolCall> = (decided) => decided;

/** `finish` applied to a decision that may have to be waited for (an approval hook's). */
function finished<R>(decided: Decided, finish: Finish<R>): R | Promise<R> {
  return decided instanceof Promise ? decided.then(finish) : finish(decided);
}

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
  return decide(options, plugins, asDecided);
}

/** {@link decideWithPlugins}, `finish` applied to its decision. */
function decide<Output, R>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  finish: Finish<R>,
): R | Promise<R> {
  const { call, signal } = options;
  if (signal.aborted) return finish({ type: 'aborted', args: undefined });
  if (plugins.stop !== undefined)
    return finish({ type: 'denied', message: notRunMessage(plugins.stop), args: undefined });
  if (plugins.hooks.beforeToolCall === undefined)
    return decideChecked(options, plugins, undefined, finish);
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
    return finish(hookFailed(error, undefined));
  }
  if (decision instanceof Promise)
    return decision.then(
      (settled) => decideBefore(options, plugins, args, settled, finish),
      (error: unknown) => finish(hookFailed(error, undefined)),
    );
  return decideBefore(options, plugins, args, decision, finish);
}

/** The decision after the `beforeToolCall` chain's (`decision`). */
function decideBefore<Output, R>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  args: Record<string, unknown>,
  decision: PluginToolDecision | undefined,
  finish: Finish<R>,
): R | Promise<R> {
  if (decision === undefined) return decideChecked(options, plugins, undefined, finish);
  if (decision.type === 'result') return finish({ type: 'value', value: decision.result, args });
  if (decision.type === 'deny') return finish({ type: 'denied', message: decision.message, args });
  // Other arguments: parsed, guarded and approved as the model's would be. The history keeps the
  // model's call as it came; only the tool sees these. An `ask` goes the same way, then to the
  // approval hook as a call that needs an explicit approve.
  const { call } = options;
  const changed =
    decision.args === undefined ? options : { ...options, call: { ...call, args: decision.args } };
  const askedBy = decision.type === 'ask' ? decision.askedBy : undefined;
  return decideChecked(changed, plugins, askedBy, finish);
}

/**
 * The decision every call gets (`decideToolCall`) with the plugins' part after the arguments
 * parsed: their `checkToolCall` (deny, ask, trip), and a plugin's `ask` (from `beforeToolCall`
 * or `checkToolCall`, the first), which sends the call to the approval hook as one that needs an
 * explicit approve.
 */
function decideChecked<Output, R>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  askedBy: string | undefined,
  finish: Finish<R>,
): R | Promise<R> {
  if (plugins.hooks.checkToolCall === undefined && askedBy === undefined)
    return finished(decideToolCall(options), finish);
  const { config, call } = options;
  const tool = config.tools.functions.get(call.name);
  if (tool === undefined) return finish({ type: 'unknown-tool', args: undefined });
  const parsed = safeParseArgs(tool, call.args);
  if (!parsed.success)
    return finish({
      type: 'invalid-args',
      issues: parsed.issues,
      fromHook: false,
      args: undefined,
    });
  const input = parsed.value;
  if (plugins.hooks.checkToolCall === undefined)
    return finished(decideParsed(options, tool, input, askedBy), finish);
  try {
    // The rest of the decision and `finish` run in the checks' own promise when they wait.
    return plugins.checkToolCall(
      {
        toolName: call.name,
        toolCallId: options.toolCallId,
        stepNumber: options.stepNumber,
        callIndex: options.callIndex,
        args: rawArgsOf(call),
        input,
      },
      (checked): R | Promise<R> => {
        if (checked?.type === 'deny')
          return finish({ type: 'denied', message: checked.message, args: input });
        return finished(decideParsed(options, tool, input, askedBy ?? checked?.askedBy), finish);
      },
      (error) => finish(hookFailed(error, input)),
    );
  } catch (error) {
    return finish(hookFailed(error, input));
  }
}

/**
 * A call of a run with plugins, decided ({@link decideWithPlugins}) and, when cleared, started
 * (inside the promise of the decision when it had to wait); a promise only when either made one.
 * `then` (the turn's look at the result) runs in the same promise when given. @internal
 */
export function runWithPlugins<Output, R = ExecuteOutcome>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  then: (outcome: ExecuteOutcome) => R | Promise<R> = (outcome) => outcome as R,
): R | Promise<R> {
  return decide(options, plugins, (decided) => {
    if (decided.type !== 'ready') return then(decided);
    const outcome = startToolCall(options, decided);
    return outcome instanceof Promise ? outcome.then(then) : then(outcome);
  });
}

/**
 * What the plugins' `afterToolCall` make of a call's result (what the model gets, as `sent`); a
 * hook that fails makes a `hook-failed` outcome carrying its `PluginError`. Never throws; a
 * promise only when a hook returned one, or when the call hands the run off before the calls
 * ahead of it passed (see `hand-off-call-order.ts`). `settle` (the turn's) runs inside the
 * chain's promise when given: the call's end without one more `.then`. @internal
 */
export function afterToolCallWithPlugins<Output, R = ExecuteOutcome>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  outcome: ExecuteOutcome,
  settle: (outcome: ExecuteOutcome) => R = (settled) => settled as R,
): R | Promise<R> {
  if (plugins.hooks.afterToolCall === undefined) return settle(outcome);
  const { call, toolCallId, stepNumber, callIndex } = options;
  const turn = turnAfterCallsOf(plugins, options.signal);
  if (outcome.type !== 'value') {
    passAfterCall(turn, callIndex);
    return settle(outcome);
  }
  const given = outcome.sent ?? outcome.value;
  let claimed: HandOffDecision | undefined;
  // Set once `settle` ran: its own throw goes on as it is, not as a hook's failure.
  let ended = false;
  const end = (settled: ExecuteOutcome): R => {
    ended = true;
    passAfterCall(turn, callIndex);
    return settle(settled);
  };
  try {
    return plugins.afterToolCall(
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
        claimed = decision;
      },
      (result): R | Promise<R> => {
        const sent = result === given ? outcome : { ...outcome, sent: result };
        if (claimed === undefined) return end(sent);
        const decision = claimed;
        // The turn's first in call order is taken, once the calls before this one passed (the
        // loop clears `plugins.handOff` when it takes it); another call's answer must not say it
        // was made, or the history would tell the model the wrong agent holds the run.
        return afterEarlierCalls(turn, callIndex, () => {
          const taken = plugins.handOff;
          if (taken === undefined) {
            plugins.handOff = decision;
            return end(sent);
          }
          const refused = `Not transferred to ${handOffName(decision, plugins.facts.turnsOf)}: this turn transferred the conversation to ${handOffName(taken, plugins.facts.turnsOf)} already.`;
          return end({ ...outcome, sent: refused });
        });
      },
      (error) => {
        if (ended) throw error;
        return end(hookFailed(error, outcome.args));
      },
    );
  } catch (error) {
    if (ended) throw error;
    return end(hookFailed(error, outcome.args));
  }
}

/** What the model is told about a call a plugin's end of the run left unrun. */
function notRunMessage(stop: PluginStop): string {
  return `Not run: the run was ended by plugin "${stop.plugin}" (${stop.reason}).`;
}
