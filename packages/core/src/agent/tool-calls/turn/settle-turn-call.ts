// The settling phase of a turn's calls: each outcome redacted, the failure that ends the run
// decided, then the record, its events and its span's end (settle-tool-call.ts makes the record).
import type { AgentToolCall } from '../../../run/agent-result.ts';
import { describeThrown } from '../../../shared/describe-thrown.ts';
import { AgentRunError } from '../../errors/agent-run-error.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import { isRunEnding } from '../../run-state/is-run-ending.ts';
import type { ExecuteOutcome } from '../execute-outcome.ts';
import { type PendingCall, spentByCall, throwableError, toRecord } from '../settle-tool-call.ts';
import { isPluginError } from './plugin-tool-path.ts';
import type { ToolTurn } from './tool-turn.ts';

/**
 * Settles one call of the turn: its outcome redacted, the turn's failure or ending set when the
 * outcome ends the run (the other calls' signal aborted), then its record (finishCall).
 * @internal
 */
export function settleCall<Output>(
  toolTurn: ToolTurn<Output>,
  pendingCall: PendingCall,
  outcome: ExecuteOutcome,
  started: number,
  // When the call ended: a call settled later than it ended (`toolCallOrder: 'replayable'`
  // settles in call order) keeps its own duration and span end.
  endedAt: number = toolTurn.config.now(),
): void {
  const { config, turn } = toolTurn;
  // Asked before redaction, about the error as thrown: the run ends with that very error. The
  // call is recorded as aborted (its span and events end), never as the tool's failure.
  if (
    (outcome.type === 'error' || outcome.type === 'hook-failed') &&
    isRunEnding(config, outcome.error)
  ) {
    if (toolTurn.ending === undefined) {
      toolTurn.ending = { error: outcome.error };
      turn?.abort(outcome.error);
    }
    finishCall(toolTurn, pendingCall, { type: 'aborted', args: outcome.args }, started, endedAt);
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
  if (toolTurn.failure === undefined) failTurn(toolTurn, pendingCall, outcome);
  finishCall(toolTurn, pendingCall, outcome, started, endedAt);
}

/** The failure a settled call ends the run with (a tripped guardrail, a failed hook), if any. */
function failTurn<Output>(
  toolTurn: ToolTurn<Output>,
  pendingCall: PendingCall,
  outcome: ExecuteOutcome,
): void {
  const { config, turn } = toolTurn;
  if (outcome.type === 'guardrail-tripped') {
    const { trip } = outcome;
    toolTurn.failure = (run) =>
      new GuardrailTrippedError({
        guardrailName: trip.name,
        phase: trip.phase,
        reason: config.redact(trip.reason),
        run,
      });
    turn?.abort(new Error(`tool guardrail "${trip.name}" tripped`));
    return;
  }
  if (outcome.type !== 'hook-failed') return;
  if (isPluginError(outcome.error)) {
    // A plugin's hook failed: the run ends with the plugin's error, holding the answered turn.
    const failed = outcome.error;
    toolTurn.failure = (run) => failed.withRun(run);
    turn?.abort(failed);
    return;
  }
  toolTurn.failure = (run) =>
    new AgentRunError({
      message: outcome.invalidDecision
        ? describeThrown(outcome.error)
        : `beforeToolCall threw for ${pendingCall.call.name} (${pendingCall.toolCallId}): ${describeThrown(outcome.error)}`,
      run,
      cause: outcome.error,
    });
  turn?.abort(outcome.error);
}

/**
 * The record of a settled call, in its place: what a child run spent, its span ended, its events, and `toolErrors: 'throw'`'s failure.
 * @internal
 */
export function finishCall<Output>(
  toolTurn: ToolTurn<Output>,
  pendingCall: PendingCall,
  settled: ExecuteOutcome,
  started: number,
  endedAt: number,
): void {
  const { config, signal, extras, toolErrorMessage, link, toolCalls, turn } = toolTurn;
  const outcome = settled;
  const record = toRecord(
    pendingCall,
    outcome,
    config,
    signal,
    endedAt - started,
    extras,
    toolTurn.ending !== undefined,
    toolErrorMessage,
  );
  // A subagent call that ended without its child's result still reports what the child spent.
  const spent = spentByCall(link, pendingCall.index, record, outcome);
  if (spent !== undefined) {
    toolTurn.priced ??= new Array(toolCalls.length);
    toolTurn.priced[pendingCall.index] = spent;
  }
  toolCalls[pendingCall.index] = record;
  pendingCall.observed?.end(record, endedAt);
  emitSettled(toolTurn, record);
  if (toolTurn.failure === undefined && config.toolErrors === 'throw') {
    const make = throwableError(record, outcome, config);
    if (make !== undefined) {
      toolTurn.failure = make;
      turn?.abort(new Error('another call of this turn failed'));
    }
  }
}

/** The settled call's `tool-result` or `tool-error` event, and its grounding. */
function emitSettled<Output>({ emit, stepNumber }: ToolTurn<Output>, record: AgentToolCall): void {
  if (emit === undefined) return;
  if (record.outcome === 'success') emit({ type: 'tool-result', stepNumber, toolCall: record });
  else emit({ type: 'tool-error', stepNumber, outcome: record.outcome, toolCall: record });
  if (record.grounding !== undefined) {
    emit({ type: 'grounding', stepNumber, source: 'tool', grounding: record.grounding });
  }
}
