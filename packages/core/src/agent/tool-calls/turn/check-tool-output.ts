import type { EngineGuardrails } from '../../run-state/run-context.ts';
import type { ExecuteOutcome } from '../execute-outcome.ts';
import type { PendingCall } from '../settle-tool-call.ts';
import type { ToolTurn } from './tool-turn.ts';

/** Whether a tool guardrail checks this call's result (its `after` check). @internal */
export function checksAfter<Output>(
  { guardrails }: ToolTurn<Output>,
  pendingCall: PendingCall,
): boolean {
  return (
    guardrails !== undefined &&
    guardrails.engine.appliesTo(guardrails.tools, pendingCall.call.name, 'after')
  );
}

/**
 * The `after` checks of a call that returned: the result the model sees may be replaced.
 * @internal
 */
export function afterChecked<Output>(
  toolTurn: ToolTurn<Output>,
  pendingCall: PendingCall,
  outcome: ExecuteOutcome,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  return checksAfter(toolTurn, pendingCall)
    ? checkAfter(toolTurn, toolTurn.guardrails as EngineGuardrails, pendingCall, outcome)
    : outcome;
}

async function checkAfter<Output>(
  { config, contents, stepNumber, turnSignal, recordGuardrail }: ToolTurn<Output>,
  resolved: EngineGuardrails,
  pendingCall: PendingCall,
  outcome: ExecuteOutcome,
): Promise<ExecuteOutcome> {
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
}
