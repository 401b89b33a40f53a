import { GuardrailTrippedError } from '../errors/guardrail-tripped-error.ts';
import type { ExecuteOutcome } from './execute-outcome.ts';

/**
 * A hook's throw as the call's outcome: a trip (`run.trip`) as a tool guardrail's, which ends the
 * run with its `GuardrailTrippedError` once the turn is answered; anything else as the hook's
 * failure. @internal
 */
export function hookFailed(error: unknown, args: unknown): ExecuteOutcome {
  if (GuardrailTrippedError.isInstance(error))
    return {
      type: 'guardrail-tripped',
      trip: { type: 'trip', name: error.guardrailName, phase: error.phase, reason: error.reason },
      args,
    };
  return { type: 'hook-failed', error, invalidDecision: true, args };
}
