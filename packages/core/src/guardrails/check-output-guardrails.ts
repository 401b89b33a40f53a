import type { GuardrailVerdictKind } from '../run/guardrail-check-record.ts';
import { readReason } from './check-input-guardrails.ts';
import { copyForCheck } from './copy-for-check.ts';
import type { OutputGuardrail, OutputGuardrailValue } from './guardrail.ts';
import {
  checkOne,
  failedCheck,
  type GuardrailRunOptions,
  type GuardrailTrip,
  invalidVerdict,
  tripOf,
} from './guardrail-trip.ts';
import { verdictType } from './run-guardrail-check.ts';

/** What the output guardrails decided. @internal */
export type OutputCheckResult =
  | { type: 'pass' }
  | {
      type: 'rewrite';
      value: OutputGuardrailValue /** The last guardrail that rewrote it. */;
      name: string;
    }
  | GuardrailTrip
  | { type: 'aborted' };

/**
 * Runs output guardrails on the final answer, one after the other (a rewrite is what the next one
 * sees: redact, then classify what is left). Never throws.
 * @internal
 */
export async function checkOutputGuardrails(
  guardrails: readonly OutputGuardrail[],
  value: OutputGuardrailValue,
  options: GuardrailRunOptions,
): Promise<OutputCheckResult> {
  let current = value;
  let rewrittenBy: string | undefined;
  for (const guardrail of guardrails) {
    // Its own copy of the structured output: an edit in place would be `result.output`.
    const checked = await checkOne(
      guardrail.check,
      { text: current.text, output: copyForCheck(current.output) },
      'output',
      guardrail.timeoutMs,
      options,
    );
    if (checked.type === 'aborted') return { type: 'aborted' };
    const record = (verdict: GuardrailVerdictKind, tripped: boolean, reason?: string): void =>
      options.record({
        name: guardrail.name,
        phase: 'output',
        stepNumber: options.stepNumber,
        verdict,
        tripped,
        reason,
        startedAt: checked.startedAt,
        endedAt: options.now(),
      });
    const trip = (reason: string): GuardrailTrip => tripOf(guardrail.name, 'output', reason);
    if (checked.type === 'failed') {
      const failed = failedCheck(checked, guardrail.name, 'output', record);
      if (failed === undefined) continue;
      return failed;
    }
    const { verdict } = checked;
    const type = verdictType(verdict);
    if (type === undefined || type === 'pass') {
      record('pass', false);
      continue;
    }
    if (type === 'block') {
      const reason = readReason(verdict);
      record('block', true, reason);
      return trip(reason);
    }
    const text = (verdict as { text?: unknown }).text;
    if (type === 'rewrite' && typeof text === 'string') {
      record('rewrite', false);
      current = {
        text,
        output:
          'output' in (verdict as object)
            ? (verdict as { output?: unknown }).output
            : current.output,
      };
      rewrittenBy = guardrail.name;
      continue;
    }
    const reason = invalidVerdict(
      guardrail.name,
      verdict,
      "{ type: 'pass' }, { type: 'block', reason } or { type: 'rewrite', text, output? }",
    );
    record('failed', true, reason);
    return trip(reason);
  }
  return rewrittenBy !== undefined
    ? { type: 'rewrite', value: current, name: rewrittenBy }
    : { type: 'pass' };
}
