import { findCallsAnsweredInTurn } from '../../history/find-calls-answered-in-turn.ts';
import { readFunctionCall } from '../../history/part-fields.ts';
import type { Cost } from '../../models/cost.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { AgentRunState, AgentToolCall } from '../../run/agent-result.ts';
import type { GuardrailCheckRecord } from '../../run/guardrail-check-record.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import type { Content, FunctionCall, Part } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { GuardrailTrippedError } from '../errors/guardrail-tripped-error.ts';
import { followSignal } from '../follow-signal.ts';
import type { RunPlugins } from '../plugins/run-plugins.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';
import { isRunEnding } from '../run-state/is-run-ending.ts';
import type { EngineGuardrails } from '../run-state/run-context.ts';
import type { RunLink } from '../run-state/run-link.ts';
import { decideToolCall } from './decide-tool-call.ts';
import type { ExecuteOutcome, ReadyToolCall, RunToolCallOptions } from './execute-outcome.ts';
import { HandoffSignal } from './handoff-signal.ts';
import { rawArgsOf } from './raw-args.ts';
import { runToolCall } from './run-tool-call.ts';
import {
  describeError,
  type ExtraParts,
  type PendingCall,
  spentByCall,
  throwableError,
  toolErrorMessageOf,
  toRecord,
} from './settle-tool-call.ts';
import { startToolCall } from './start-tool-call.ts';
import { callsStartChildRuns } from './turn/calls-start-child-runs.ts';
import { toolTypeOf } from './turn/observe-tool-call.ts';
import { isPluginError, toolPathOf } from './turn/plugin-tool-path.ts';
import type { ToolCallsResult } from './turn/tool-calls-result.ts';

export type { ToolCallsResult };

/**
 * Runs every function call of a model turn, concurrently up to `toolConcurrency`, and answers
 * each: results, and errors the model can act on (bad arguments with their paths, an unknown
 * function with the list of available ones, a throw, a timeout, a denial). Always answers every
 * call, even when aborted (calls that did not finish get an `{ error }` saying so), so the history
 * never holds a call without its response; the caller appends `responseContent` and then throws
 * if `failure` or `aborted` say so.
 * @internal
 */
export async function executeToolCalls<Output>({
  config,
  content,
  stepNumber,
  contents,
  signal,
  emit,
  observation,
  guardrails,
  recordGuardrail,
  link,
  plugins,
}: {
  config: AgentConfig<Output>;
  content: Content;
  stepNumber: number;
  contents: readonly Content[];
  signal: AbortSignal;
  emit: EmitEvent;
  observation?: RunObservation | undefined;
  /** The run's guardrails (tool checks, the tool-error rewrite), when it has any. */
  guardrails?: EngineGuardrails | undefined;
  recordGuardrail?: ((record: GuardrailCheckRecord) => void) | undefined;
  /** The run's place in its tree (its approval hook, for subagent tools). */
  link?: RunLink | undefined;
  /** The run's plugins (their tool hooks), when it has any. */
  plugins?: RunPlugins | undefined;
}): Promise<ToolCallsResult> {
  const toolErrorMessage = toolErrorMessageOf(guardrails, config);
  const beforeToolCall = link === undefined ? config.beforeToolCall : link.beforeToolCall;
  const pending: PendingCall[] = [];
  // Calls the turn answers itself (server-side MCP) were run by the server.
  const answered = findCallsAnsweredInTurn(content.parts);
  for (const part of content.parts) {
    const call = readFunctionCall(part) as FunctionCall | undefined;
    if (call === undefined || answered?.has(part) === true) continue;
    const index = pending.length;
    // A call without a wire id gets a run-unique id for events and the tool's context only.
    pending.push({ call, index, toolCallId: call.id ?? `call_${stepNumber}_${index}` });
  }
  const toolCalls: AgentToolCall[] = new Array(pending.length);
  const extras: ExtraParts = { byCall: undefined };
  let failure: ((run: AgentRunState) => Error) | undefined;
  let ending: { error: unknown } | undefined;
  let handoff: HandoffSignal | undefined;
  let priced: (CostPicos | Cost | undefined)[] | undefined;

  // The calls' signal: the run's, or, when one call can end the others (a failure in `throw` mode,
  // a failing approval hook, an error that ends the run), a turn controller that also follows
  // the run's. A turn of one call has no other call to end: the run's signal serves (every
  // subagent call made a controller and a listener on the run's signal for it, issue 30).
  const startsChildren = callsStartChildRuns(config, pending, link);
  const turn =
    pending.length > 1 &&
    (config.toolErrors === 'throw' ||
      beforeToolCall !== undefined ||
      config.isRunEndingError !== undefined ||
      startsChildren ||
      (guardrails !== undefined && guardrails.tools.length > 0))
      ? new AbortController()
      : undefined;
  const turnSignal = turn?.signal ?? signal;
  const unfollow = turn === undefined ? undefined : followSignal(signal, turn);

  if (emit !== undefined) {
    // Redacted here, by the agent whose tool it is: a surface that shows the event (a page, a
    // durable run's stored events) may sit above a subagent or before a handoff, and hold another
    // agent's tools or none (issue 52).
    const redactor = config.argumentRedactor;
    for (const { call, toolCallId } of pending) {
      const args = rawArgsOf(call);
      const redactedArgs = redactor?.args(call.name, args) ?? args;
      emit(
        redactedArgs === args
          ? { type: 'tool-call', stepNumber, toolCallId, toolName: call.name, args }
          : { type: 'tool-call', stepNumber, toolCallId, toolName: call.name, args, redactedArgs },
      );
    }
  }

  const finish = (
    pendingCall: PendingCall,
    settled: ExecuteOutcome,
    started: number,
    endedAt: number,
  ): void => {
    let outcome = settled;
    if (outcome.type === 'value' && outcome.value instanceof HandoffSignal) {
      if (handoff === undefined) handoff = outcome.value;
      // A turn that transfers twice (parallel calls) goes to the first: the other call's answer
      // must not say it was made, or the history would tell the model the wrong agent holds it.
      else
        outcome = {
          type: 'value',
          args: outcome.args,
          value: `Not transferred to ${outcome.value.target.name}: this turn transferred the conversation to ${handoff.target.name} already.`,
        };
    }
    const record = toRecord(
      pendingCall,
      outcome,
      config,
      signal,
      endedAt - started,
      extras,
      ending !== undefined,
      toolErrorMessage,
    );
    // A subagent call that ended without its child's result still reports what the child spent.
    const spent = spentByCall(link, pendingCall.index, record, outcome);
    if (spent !== undefined) {
      priced ??= new Array(toolCalls.length);
      priced[pendingCall.index] = spent;
    }
    toolCalls[pendingCall.index] = record;
    pendingCall.observed?.end(record, endedAt);
    if (emit !== undefined) {
      if (record.outcome === 'success') emit({ type: 'tool-result', stepNumber, toolCall: record });
      else emit({ type: 'tool-error', stepNumber, outcome: record.outcome, toolCall: record });
      if (record.grounding !== undefined) {
        emit({ type: 'grounding', stepNumber, source: 'tool', grounding: record.grounding });
      }
    }
    if (failure === undefined && config.toolErrors === 'throw') {
      const make = throwableError(record, outcome, config);
      if (make !== undefined) {
        failure = make;
        turn?.abort(new Error('another call of this turn failed'));
      }
    }
  };

  const settleOne = (
    pendingCall: PendingCall,
    outcome: ExecuteOutcome,
    started: number,
    // When the call ended: a call settled later than it ended (`toolCallOrder: 'replayable'`
    // settles in call order) keeps its own duration and span end.
    endedAt: number = config.now(),
  ): void => {
    // Asked before redaction, about the error as thrown: the run ends with that very error. The
    // call is recorded as aborted (its span and events end), never as the tool's failure.
    if (
      (outcome.type === 'error' || outcome.type === 'hook-failed') &&
      isRunEnding(config, outcome.error)
    ) {
      if (ending === undefined) {
        ending = { error: outcome.error };
        turn?.abort(outcome.error);
      }
      finish(pendingCall, { type: 'aborted', args: outcome.args }, started, endedAt);
      return;
    }
    // What a tool or hook failed with goes to the model, the history, the result and maybe a
    // thrown error: a tool calling a Google API with the same key may quote it.
    if (outcome.type === 'error' || outcome.type === 'hook-failed') {
      outcome.error = config.redact(outcome.error);
    }
    // So do a denial's message, which a policy hook may write from the same upstream's words, and
    // the issues of arguments whose schema threw while it checked them (a transform's lookup).
    if (outcome.type === 'denied') outcome.message = config.redact(outcome.message);
    if (outcome.type === 'invalid-args') outcome.issues = config.redact(outcome.issues);
    if (outcome.type === 'guardrail-tripped' && failure === undefined) {
      const { trip } = outcome;
      failure = (run) =>
        new GuardrailTrippedError({
          guardrailName: trip.name,
          phase: trip.phase,
          reason: config.redact(trip.reason),
          run,
        });
      turn?.abort(new Error(`tool guardrail "${trip.name}" tripped`));
    }
    if (outcome.type === 'hook-failed' && failure === undefined && isPluginError(outcome.error)) {
      // A plugin's hook failed: the run ends with the plugin's error, holding the answered turn.
      const failed = outcome.error;
      failure = (run) => failed.withRun(run);
      turn?.abort(failed);
    }
    if (outcome.type === 'hook-failed' && failure === undefined) {
      failure = (run) =>
        new AgentRunError({
          message: outcome.invalidDecision
            ? describeError(outcome.error)
            : `beforeToolCall threw for ${pendingCall.call.name} (${pendingCall.toolCallId}): ${describeError(outcome.error)}`,
          run,
          cause: outcome.error,
        });
      turn?.abort(outcome.error);
    }
    finish(pendingCall, outcome, started, endedAt);
  };

  const optionsOf = (pendingCall: PendingCall): RunToolCallOptions<Output> => ({
    config,
    call: pendingCall.call,
    toolCallId: pendingCall.toolCallId,
    stepNumber,
    callIndex: pendingCall.index,
    contents,
    signal: turnSignal,
    beforeToolCall,
    link,
    guardrails,
    recordGuardrail,
    plugins,
  });
  /** Starts the observer's view of a call (its span); `undefined` for an unobserved run. */
  const observe = (pendingCall: PendingCall, started: number): void => {
    if (observation === undefined) return;
    const tool = config.tools.functions.get(pendingCall.call.name);
    pendingCall.observed = observation.toolCall({
      stepNumber,
      toolName: pendingCall.call.name,
      toolCallId: pendingCall.toolCallId,
      toolType: toolTypeOf(tool),
      toolDescription: tool?.description,
      args: rawArgsOf(pendingCall.call),
      startedAt: started,
    });
  };
  // The tool (and the hook) run in their call's context: spans they start nest under
  // `execute_tool`.
  const inCallContext = <T>(pendingCall: PendingCall, body: () => T): T => {
    const wrap = pendingCall.observed?.wrap;
    return wrap === undefined ? body() : wrap(body);
  };

  /** One call of a run with plugins: their decision, the call, their look at its result. */
  const runWithPlugins = async (pendingCall: PendingCall, runPlugins: RunPlugins) => {
    const started = config.now();
    observe(pendingCall, started);
    const callOptions = optionsOf(pendingCall);
    const { runCall, afterCall } = toolPathOf(runPlugins);
    let outcome = await inCallContext(pendingCall, () => runCall(callOptions, runPlugins));
    outcome = await afterChecked(pendingCall, outcome);
    settleOne(pendingCall, await afterCall(callOptions, runPlugins, outcome), started);
  };

  /** Runs one call; a promise only when the call had something to wait for. */
  const runOne = (pendingCall: PendingCall): Promise<void> | undefined => {
    // A plugin ended the run (every call of the turn answered "not run"), or one has tool hooks.
    if (plugins !== undefined && (plugins.aroundToolCalls || plugins.stop !== undefined))
      return runWithPlugins(pendingCall, plugins);
    const started = config.now();
    const callOptions = optionsOf(pendingCall);
    let outcome: ReturnType<typeof runToolCall>;
    if (observation === undefined) outcome = runToolCall(callOptions);
    else {
      observe(pendingCall, started);
      outcome = inCallContext(pendingCall, () => runToolCall(callOptions));
    }
    if (
      guardrails !== undefined &&
      guardrails.engine.appliesTo(guardrails.tools, pendingCall.call.name, 'after')
    ) {
      return Promise.resolve(outcome)
        .then((settled) => afterChecked(pendingCall, settled))
        .then((settled) => settleOne(pendingCall, settled, started));
    }
    if (outcome instanceof Promise) {
      return outcome.then((settled) => settleOne(pendingCall, settled, started));
    }
    settleOne(pendingCall, outcome, started);
    return undefined;
  };

  /** The `after` checks of a call that returned: the result the model sees may be replaced. */
  const afterChecked = (
    pendingCall: PendingCall,
    outcome: ExecuteOutcome,
  ): ExecuteOutcome | Promise<ExecuteOutcome> =>
    guardrails !== undefined &&
    guardrails.engine.appliesTo(guardrails.tools, pendingCall.call.name, 'after')
      ? checkAfter(guardrails, pendingCall, outcome)
      : outcome;
  const checkAfter = async (
    resolved: EngineGuardrails,
    pendingCall: PendingCall,
    outcome: ExecuteOutcome,
  ): Promise<ExecuteOutcome> => {
    if (outcome.type !== 'value') return outcome;
    const checked = await resolved.engine.checkToolOutput(
      resolved.tools,
      {
        toolName: pendingCall.call.name,
        toolCallId: pendingCall.toolCallId,
        args: outcome.args,
        stepNumber,
        result: outcome.value,
      },
      {
        agentName: config.name,
        contents,
        signal: turnSignal,
        now: config.now,
        stepNumber,
        timeoutMs: resolved.timeoutMs,
        failOpen: resolved.failOpen,
        record: recordGuardrail ?? (() => {}),
      },
    );
    if (checked.type === 'aborted') return { type: 'aborted', args: outcome.args };
    if (checked.type === 'trip')
      return { type: 'guardrail-tripped', trip: checked, args: outcome.args };
    if (checked.type === 'replace') return { ...outcome, sent: checked.result };
    return outcome;
  };

  /**
   * `toolCallOrder: 'replayable'`: every decision first, one call at a time in call order; then
   * the cleared calls start in call order (at most `toolConcurrency` at once); every call is
   * settled in call order, each with the time it ended. Nothing here depends on which call ends
   * first, so an engine that numbers steps by the order they start (DBOS assigns a step's id
   * synchronously when it starts: `callStepFunction` in `@dbos-inc/dbos-sdk` 5.3,
   * `dist/src/dbos-executor.js`, "Intentionally advance the function ID before any awaits")
   * replays the turn onto the same steps.
   */
  const runReplayable = async (): Promise<void> => {
    const count = pending.length;
    const started: number[] = new Array(count);
    const decided: (ExecuteOutcome | ReadyToolCall)[] = new Array(count);
    for (const pendingCall of pending) {
      const at = config.now();
      started[pendingCall.index] = at;
      observe(pendingCall, at);
      let decision = inCallContext(pendingCall, () =>
        plugins === undefined || !(plugins.aroundToolCalls || plugins.stop !== undefined)
          ? decideToolCall(optionsOf(pendingCall))
          : toolPathOf(plugins).decide(optionsOf(pendingCall), plugins),
      );
      if (decision instanceof Promise) decision = await decision;
      decided[pendingCall.index] = decision;
      // A failing hook ends the turn here, as it does when settled: the calls after it are not
      // asked, the ones before it do not run (the turn's signal is aborted when they start).
      if (decision.type === 'hook-failed') turn?.abort(decision.error);
      // A tool guardrail that tripped ends the turn the same way.
      if (decision.type === 'guardrail-tripped')
        turn?.abort(new Error(`tool guardrail "${decision.trip.name}" tripped`));
    }
    const ended: ({ outcome: ExecuteOutcome; at: number } | undefined)[] = new Array(count);
    let settledUpTo = 0;
    // With tool guardrails' `after` checks (a durable run makes each a step), the calls settle
    // once all of them ended, each checked in call order: a check's step then starts at the same
    // place on a replay whichever call ended first.
    const checkingAfter =
      guardrails !== undefined &&
      pending.some((pendingCall) =>
        guardrails.engine.appliesTo(guardrails.tools, pendingCall.call.name, 'after'),
      );
    const end = (index: number, outcome: ExecuteOutcome): void => {
      ended[index] = { outcome, at: config.now() };
      if (checkingAfter || plugins?.hooks.afterToolCall !== undefined) return;
      for (let item = ended[settledUpTo]; item !== undefined; item = ended[settledUpTo]) {
        const pendingCall = pending[settledUpTo] as PendingCall;
        settleOne(pendingCall, item.outcome, started[settledUpTo] as number, item.at);
        ended[settledUpTo] = undefined;
        settledUpTo++;
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const index = next++;
        const pendingCall = pending[index] as PendingCall;
        const decision = decided[index] as ExecuteOutcome | ReadyToolCall;
        if (decision.type !== 'ready') {
          end(index, decision);
          continue;
        }
        const outcome = inCallContext(pendingCall, () =>
          startToolCall(optionsOf(pendingCall), decision),
        );
        end(index, outcome instanceof Promise ? await outcome : outcome);
      }
    };
    const workers: Promise<void>[] = [];
    const limit = Math.min(config.toolConcurrency, count);
    for (let slot = 0; slot < limit; slot++) workers.push(worker());
    await Promise.all(workers);
    if (!checkingAfter && plugins?.hooks.afterToolCall === undefined) return;
    // Checked and shown to the plugins in call order, once every call ended (see checkingAfter).
    for (let index = 0; index < count; index++) {
      const pendingCall = pending[index] as PendingCall;
      const item = ended[index] as { outcome: ExecuteOutcome; at: number };
      let outcome = afterChecked(pendingCall, item.outcome);
      if (outcome instanceof Promise) outcome = await outcome;
      if (plugins?.hooks.afterToolCall !== undefined)
        outcome = await toolPathOf(plugins).afterCall(optionsOf(pendingCall), plugins, outcome);
      settleOne(pendingCall, outcome, started[index] as number, item.at);
    }
  };

  const limit = Math.min(config.toolConcurrency, pending.length);
  if (config.toolCallOrder === 'replayable' && pending.length > 1) {
    await runReplayable();
  } else if (pending.length === 1) {
    // One call (the usual turn): no workers to start and join.
    const running = runOne(pending[0] as PendingCall);
    if (running !== undefined) await running;
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length) {
        const running = runOne(pending[next++] as PendingCall);
        if (running !== undefined) await running;
      }
    };
    const workers: Promise<void>[] = [];
    for (let count = 0; count < limit; count++) workers.push(worker());
    await Promise.all(workers);
  }
  unfollow?.();

  const parts: Part[] = new Array(toolCalls.length);
  for (let index = 0; index < toolCalls.length; index++) {
    parts[index] = { functionResponse: (toolCalls[index] as AgentToolCall).response };
  }
  const responseContent: Content = { role: 'user', parts };
  // Media for a model that cannot take them in function responses: one user content after the
  // responses, which those models accept (wire reference 5.2).
  let extraContent: Content | undefined;
  if (extras.byCall !== undefined) {
    const extraParts: Part[] = [];
    for (const callParts of extras.byCall)
      if (callParts !== undefined) extraParts.push(...callParts);
    if (extraParts.length > 0) extraContent = { role: 'user', parts: extraParts };
  }
  return {
    toolCalls,
    responseContent,
    extraContent,
    failure,
    aborted: signal.aborted,
    ending,
    handoff,
    priced,
  };
}
