import type { GuardrailPhase, GuardrailVerdictKind } from '../run/guardrail-check-record.ts';
import type { GuardrailContext } from './guardrail.ts';
import type { GuardrailRunOptions, GuardrailTrip } from './guardrail-check-results.ts';

export type { GuardrailRunOptions, GuardrailTrip };

import {
  describeCheckFailure,
  type GuardrailCheckOutcome,
  runGuardrailCheck,
} from './run-guardrail-check.ts';

/** The guardrail `name` stopped the run at `phase`. @internal */
export function tripOf(name: string, phase: GuardrailPhase, reason: string): GuardrailTrip {
  return { type: 'trip', name, phase, reason };
}

/**
 * A check that gave no verdict (it threw, hung or was unreadable): recorded as `failed`, or as
 * `failed-open` when a timeout may pass; then `undefined` to go on when it failed open, else the
 * trip. One rule for every phase. @internal
 */
export function failedCheck(
  checked: Extract<CheckedVerdict, { type: 'failed' }>,
  name: string,
  phase: GuardrailPhase,
  record: (verdict: GuardrailVerdictKind, tripped: boolean, reason?: string) => void,
): GuardrailTrip | undefined {
  record(checked.failOpen ? 'failed-open' : 'failed', !checked.failOpen, checked.reason);
  return checked.failOpen ? undefined : tripOf(name, phase, checked.reason);
}

/** One check's verdict, or what it became when the check gave none (fail closed or open). @internal */
export type CheckedVerdict =
  | { type: 'verdict'; verdict: unknown; startedAt: number }
  | { type: 'failed'; reason: string; startedAt: number; failOpen: boolean }
  | { type: 'aborted' };

/** Runs one check of a guardrail and sorts out checks that threw or hung. @internal */
export async function checkOne<Value>(
  check: (value: Value, context: GuardrailContext) => unknown,
  value: Value,
  phase: GuardrailPhase,
  timeoutMs: number | undefined,
  options: GuardrailRunOptions,
): Promise<CheckedVerdict> {
  const startedAt = options.now();
  const outcome: GuardrailCheckOutcome = await runGuardrailCheck(check, value, {
    phase,
    agentName: options.agentName,
    contents: options.contents,
    signal: options.signal,
    timeoutMs: timeoutMs ?? options.timeoutMs,
    depth: options.depth,
  });
  if (outcome.type === 'verdict') return { type: 'verdict', verdict: outcome.verdict, startedAt };
  if (outcome.type === 'aborted') return { type: 'aborted' };
  return {
    type: 'failed',
    reason: describeCheckFailure(outcome),
    startedAt,
    failOpen: outcome.type === 'timeout' && options.failOpen,
  };
}

/** A verdict nobody can read fails closed: running on it would let the value through by accident. @internal */
export function invalidVerdict(name: string, verdict: unknown, expected: string): string {
  let shown: string;
  try {
    shown =
      typeof verdict === 'object' && verdict !== null ? JSON.stringify(verdict) : String(verdict);
  } catch {
    shown = 'a value that cannot be shown';
  }
  if (shown.length > 80) shown = `${shown.slice(0, 80)}...`;
  return `guardrail "${name}" returned ${shown}, which is not a verdict (expected ${expected}), so it failed closed`;
}
