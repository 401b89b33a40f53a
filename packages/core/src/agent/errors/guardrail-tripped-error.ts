import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import type { GuardrailPhase } from '../../run/guardrail-check-record.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * A guardrail stopped the run: an input guardrail blocked the input (before or beside the first
 * model call, which it then aborted), an output guardrail blocked the final answer, a tool
 * guardrail said `throw`, or a check threw or hung and failed closed. Like OpenAI Agents JS's
 * `InputGuardrailTripwireTriggered` / `OutputGuardrailTripwireTriggered` (packages/agents-core/
 * src/errors.ts), one class for every phase, with the phase as data.
 *
 * `run` holds the history and the usage so far, model calls the trip aborted included. The history
 * stays consistent: a tripped input leaves no model turn in it, a tripped tool call is answered.
 */
export class GuardrailTrippedError extends AgentRunError {
  override readonly code = 'guardrail-tripped';
  /** The `name` of the guardrail that tripped. */
  readonly guardrailName: string;
  readonly phase: GuardrailPhase;
  /** The guardrail's reason (a block's `reason`), or why its check failed closed. */
  readonly reason: string;

  constructor({
    guardrailName,
    phase,
    reason,
    run,
    cause,
  }: {
    guardrailName: string;
    phase: GuardrailPhase;
    reason: string;
    run: AgentRunState;
    cause?: unknown;
  }) {
    super({
      message: `The ${phase} guardrail "${guardrailName}" stopped the run: ${reason}. error.run holds the history and usage so far.`,
      run,
      cause,
    });
    this.guardrailName = guardrailName;
    this.phase = phase;
    this.reason = reason;
  }

  static override isInstance(error: unknown): error is GuardrailTrippedError {
    return GemloopError.hasCode(error, 'guardrail-tripped');
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    json['guardrailName'] = this.guardrailName;
    json['phase'] = this.phase;
    json['reason'] = this.reason;
    return json;
  }
}
