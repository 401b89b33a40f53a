import { findCallsAnsweredInTurn } from '../../../history/find-calls-answered-in-turn.ts';
import { readFunctionCall } from '../../../history/part-fields.ts';
import type { PricedCost } from '../../../models/cost-total.ts';
import type { AgentRunState, AgentToolCall } from '../../../run/agent-result.ts';
import { followSignal } from '../../../shared/on-abort.ts';
import type { RunObservation } from '../../../telemetry/run-observer.ts';
import type { Content, FunctionCall } from '../../../wire/content.ts';
import type { AgentConfig } from '../../config/agent-config.ts';
import type { RunPlugins } from '../../plugins/run-plugins.ts';
import type { EmitEvent } from '../../run-state/emit-event.ts';
import type { RunLink } from '../../run-state/run-link.ts';
import type { RunToolCallOptions } from '../execute-outcome.ts';
import {
  type ExtraParts,
  type PendingCall,
  type ToolErrorMessage,
  type ToolErrorRewrite,
  toolErrorMessageOf,
} from '../settle-tool-call.ts';
import { callsStartChildRuns } from './calls-start-child-runs.ts';

/** What `executeToolCalls` is given: one model turn and the run it belongs to. @internal */
export type ExecuteToolCallsOptions<Output> = {
  config: AgentConfig<Output>;
  content: Content;
  stepNumber: number;
  contents: readonly Content[];
  signal: AbortSignal;
  emit: EmitEvent;
  observation?: RunObservation | undefined;
  /** The rewrite of a thrown tool error the model gets (the guardrails' `onToolError`), if any. */
  onToolError?: ToolErrorRewrite | undefined;
  /** The run's place in its tree (its approval hook, for subagent tools). */
  link?: RunLink | undefined;
  /** The run's plugins (their tool hooks), when it has any. */
  plugins?: RunPlugins | undefined;
};

/**
 * One model turn's calls while they run: what each phase (observe, decide, start, settle) reads,
 * and what settling writes (the records, the failure the run ends with, what children
 * spent). Handed to each phase through its signature.
 * @internal
 */
export type ToolTurn<Output> = ExecuteToolCallsOptions<Output> & {
  readonly toolErrorMessage: ToolErrorMessage;
  readonly beforeToolCall: RunToolCallOptions<Output>['beforeToolCall'];
  /** The calls to answer, in call order. */
  readonly pending: PendingCall[];
  /** One record per call, by call index, as each settles. */
  readonly toolCalls: AgentToolCall[];
  readonly extras: ExtraParts;
  /** The turn's controller, when one call can end the others (see startToolTurn). */
  readonly turn: AbortController | undefined;
  /** The calls' signal: the turn controller's, else the run's. */
  readonly turnSignal: AbortSignal;
  /** Stops the turn controller following the run's signal. */
  readonly unfollow: (() => void) | undefined;
  failure: ((run: AgentRunState) => Error) | undefined;
  ending: { error: unknown } | undefined;
  priced: (PricedCost | undefined)[] | undefined;
};

/** The turn's calls collected, and the signal they run under. @internal */
export function startToolTurn<Output>(options: ExecuteToolCallsOptions<Output>): ToolTurn<Output> {
  const { config, content, stepNumber, signal, link, plugins } = options;
  const toolErrorMessage = toolErrorMessageOf(options.onToolError, config);
  const beforeToolCall = link === undefined ? config.beforeToolCall : link.beforeToolCall;
  const pending: PendingCall[] = [];
  // Calls the turn answers itself (server-side MCP) were run by the server.
  const answered = findCallsAnsweredInTurn(content.parts);
  for (const part of content.parts) {
    const call = readFunctionCall(part) as FunctionCall | undefined;
    if (call === undefined || answered?.has(part) === true) continue;
    const index = pending.length;
    // A call without a wire id gets a run-unique id for events and the tool's context only; so
    // does one whose id is not a string (a gateway's number: every reader of `toolCallId` takes
    // a string, attack27). The functionResponse echoes the wire id as given either way.
    pending.push({
      call,
      index,
      toolCallId: typeof call.id === 'string' ? call.id : `call_${stepNumber}_${index}`,
    });
  }

  // The calls' signal: the run's, or, when one call can end the others (a failure in `throw` mode,
  // a failing approval hook, an error that ends the run, a plugin's trip: a tool guardrail's
  // `throw`), a turn controller that also follows
  // the run's. A turn of one call has no other call to end: the run's signal serves (every
  // subagent call made a controller and a listener on the run's signal for it, issue 30).
  const startsChildren = callsStartChildRuns(config, pending, link);
  const turn =
    pending.length > 1 &&
    (config.toolErrors === 'throw' ||
      beforeToolCall !== undefined ||
      config.isRunEndingError !== undefined ||
      startsChildren ||
      plugins?.aroundToolCalls === true)
      ? new AbortController()
      : undefined;
  // Field by field, not `...options`: the spread made every step ~30 us dearer in client CPU
  // (bench sequential loop, 141 -> 173 us a unary step, 176 -> 218 streamed; 2026-11-25).
  return {
    config,
    content,
    stepNumber,
    contents: options.contents,
    signal,
    emit: options.emit,
    observation: options.observation,
    onToolError: options.onToolError,
    link,
    plugins,
    toolErrorMessage,
    beforeToolCall,
    pending,
    toolCalls: new Array(pending.length),
    extras: { byCall: undefined },
    turn,
    turnSignal: turn?.signal ?? signal,
    unfollow: turn === undefined ? undefined : followSignal(signal, turn),
    failure: undefined,
    ending: undefined,
    priced: undefined,
  };
}

/** What deciding and starting one call of the turn take. @internal */
export function callOptionsOf<Output>(
  { config, stepNumber, contents, turnSignal, beforeToolCall, link, plugins }: ToolTurn<Output>,
  pendingCall: PendingCall,
): RunToolCallOptions<Output> {
  return {
    config,
    call: pendingCall.call,
    toolCallId: pendingCall.toolCallId,
    stepNumber,
    callIndex: pendingCall.index,
    contents,
    signal: turnSignal,
    beforeToolCall,
    link,
    plugins,
  };
}
