import type { GuardrailVerdictKind } from '../run/guardrail-check-record.ts';
import { readReason } from './check-input-guardrails.ts';
import { copyForCheck } from './copy-for-check.ts';
import type { ToolGuardrail, ToolGuardrailCall } from './guardrail.ts';
import type { ToolInputCheckResult, ToolOutputCheckResult } from './guardrail-check-results.ts';
import {
  checkOne,
  failedCheck,
  type GuardrailRunOptions,
  type GuardrailTrip,
  invalidVerdict,
  tripOf,
} from './guardrail-trip.ts';
import { verdictType } from './run-guardrail-check.ts';

export type { ToolInputCheckResult, ToolOutputCheckResult };

/** Whether any guardrail has a check for this tool at this moment. @internal */
export function appliesTo(
  guardrails: readonly ToolGuardrail[],
  toolName: string,
  moment: 'before' | 'after',
): boolean {
  return guardrails.some(
    (guardrail) =>
      guardrail[moment] !== undefined &&
      (guardrail.tools === undefined || guardrail.tools.includes(toolName)),
  );
}

type Recorder = (
  guardrail: ToolGuardrail,
  startedAt: number,
) => (verdict: GuardrailVerdictKind, tripped: boolean, reason?: string) => void;

function recorder(
  call: ToolGuardrailCall,
  phase: 'tool-input' | 'tool-output',
  options: GuardrailRunOptions,
): Recorder {
  return (guardrail, startedAt) => (verdict, tripped, reason) =>
    options.record({
      name: guardrail.name,
      phase,
      stepNumber: call.stepNumber,
      verdict,
      tripped,
      reason,
      toolName: call.toolName,
      toolCallId: call.toolCallId,
      startedAt,
      endedAt: options.now(),
    });
}

/**
 * The `before` checks of the guardrails that apply to this call, in order: the first deny,
 * throw or failure decides; `ask` is remembered and the later checks still run. Never throws but
 * where `decide` does: it makes the result what the caller needs inside this promise (the tool
 * guardrails' plugin: the seam's decision), not in one more `.then` a call.
 * @internal
 */
export async function checkToolInput<Decided = ToolInputCheckResult>(
  guardrails: readonly ToolGuardrail[],
  call: ToolGuardrailCall,
  options: GuardrailRunOptions,
  decide: (result: ToolInputCheckResult) => Decided = identity as (
    result: ToolInputCheckResult,
  ) => Decided,
): Promise<Decided> {
  const makeRecord = recorder(call, 'tool-input', options);
  let askedBy: string | undefined;
  for (const guardrail of guardrails) {
    const before = guardrail.before;
    if (before === undefined) continue;
    if (guardrail.tools !== undefined && !guardrail.tools.includes(call.toolName)) continue;
    // Its own copy: arguments changed in place would run the tool unparsed (copy-for-check.ts).
    const own = { ...call, args: copyForCheck(call.args) };
    const checked = await checkOne(before, own, 'tool-input', guardrail.timeoutMs, options);
    if (checked.type === 'aborted') return decide({ type: 'aborted' });
    const record = makeRecord(guardrail, checked.startedAt);
    const trip = (reason: string): GuardrailTrip => tripOf(guardrail.name, 'tool-input', reason);
    if (checked.type === 'failed') {
      const failed = failedCheck(checked, guardrail.name, 'tool-input', record);
      if (failed === undefined) continue;
      return decide(failed);
    }
    const { verdict } = checked;
    const type = verdictType(verdict);
    if (type === undefined || type === 'allow') {
      record('allow', false);
      continue;
    }
    if (type === 'ask') {
      record('ask', false);
      askedBy ??= guardrail.name;
      continue;
    }
    if (type === 'deny') {
      const given = (verdict as { message?: unknown }).message;
      const message =
        typeof given === 'string' && given.trim() !== ''
          ? given
          : `The call to ${call.toolName} was refused by a guardrail (${guardrail.name}). Do not call it again with the same arguments.`;
      record('deny', false, message);
      return decide({ type: 'deny', message });
    }
    if (type === 'throw') {
      const reason = readReason(verdict);
      record('throw', true, reason);
      return decide(trip(reason));
    }
    const reason = invalidVerdict(
      guardrail.name,
      verdict,
      "{ type: 'allow' }, { type: 'deny', message }, { type: 'ask' } or { type: 'throw', reason }",
    );
    record('failed', true, reason);
    return decide(trip(reason));
  }
  return decide(askedBy !== undefined ? { type: 'ask', name: askedBy } : { type: 'allow' });
}

/**
 * The `after` checks of the guardrails that apply to this call, in order, on the result the
 * model would see (a replacement is what the next one sees). Never throws but where `decide`
 * does (see {@link checkToolInput}).
 * @internal
 */
export async function checkToolOutput<Decided = ToolOutputCheckResult>(
  guardrails: readonly ToolGuardrail[],
  call: ToolGuardrailCall & { result: unknown },
  options: GuardrailRunOptions,
  decide: (result: ToolOutputCheckResult) => Decided = identity as (
    result: ToolOutputCheckResult,
  ) => Decided,
): Promise<Decided> {
  const makeRecord = recorder(call, 'tool-output', options);
  let current = call;
  let replaced = false;
  for (const guardrail of guardrails) {
    const after = guardrail.after;
    if (after === undefined) continue;
    if (guardrail.tools !== undefined && !guardrail.tools.includes(call.toolName)) continue;
    const own = { ...current, result: copyForCheck(current.result) };
    const checked = await checkOne(after, own, 'tool-output', guardrail.timeoutMs, options);
    if (checked.type === 'aborted') return decide({ type: 'aborted' });
    const record = makeRecord(guardrail, checked.startedAt);
    const trip = (reason: string): GuardrailTrip => tripOf(guardrail.name, 'tool-output', reason);
    if (checked.type === 'failed') {
      const failed = failedCheck(checked, guardrail.name, 'tool-output', record);
      if (failed === undefined) continue;
      return decide(failed);
    }
    const { verdict } = checked;
    const type = verdictType(verdict);
    if (type === undefined || type === 'pass') {
      record('pass', false);
      continue;
    }
    if (type === 'replace' && 'result' in (verdict as object)) {
      record('replace', false);
      current = { ...current, result: (verdict as { result: unknown }).result };
      replaced = true;
      continue;
    }
    if (type === 'throw') {
      const reason = readReason(verdict);
      record('throw', true, reason);
      return decide(trip(reason));
    }
    const reason = invalidVerdict(
      guardrail.name,
      verdict,
      "{ type: 'pass' }, { type: 'replace', result } or { type: 'throw', reason }",
    );
    record('failed', true, reason);
    return decide(trip(reason));
  }
  return decide(replaced ? { type: 'replace', result: current.result } : { type: 'pass' });
}

/** The result as it is (`decide` when none is given). */
function identity<T>(result: T): T {
  return result;
}
