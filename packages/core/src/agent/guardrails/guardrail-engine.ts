import type { checkInputGuardrails } from '../../guardrails/check-input-guardrails.ts';
import type {
  appliesTo,
  checkToolInput,
  checkToolOutput,
} from '../../guardrails/check-tool-guardrails.ts';
import type { GuardrailOptions } from '../../guardrails/guardrail-options.ts';
import type { guardedFirstStep } from '../loop/guard-input.ts';
import type { guardOutput, HeldTextDeltas } from '../loop/guard-output.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';

/**
 * What the loop calls to run guardrails. It comes with the `guardrails` option's value (made by
 * `guardrails()` of `@gemloop/core/guardrails`), so an agent without guardrails never loads (nor
 * bundles) the checks: the loop reaches them only through this. @internal
 */
export type GuardrailEngine = {
  readonly guardedFirstStep: typeof guardedFirstStep;
  readonly guardOutput: typeof guardOutput;
  readonly holdTextDeltas: (emit: NonNullable<EmitEvent>) => HeldTextDeltas;
  readonly checkInput: typeof checkInputGuardrails;
  readonly appliesTo: typeof appliesTo;
  readonly checkToolInput: typeof checkToolInput;
  readonly checkToolOutput: typeof checkToolOutput;
};

/**
 * The value of a `guardrails` option (agent, run, chat session, send): made by `guardrails()` of
 * `@gemloop/core/guardrails`, it carries the checks' options and their implementation.
 */
export type Guardrails = {
  readonly kind: 'guardrails';
  /** The options it was made from (checked). */
  readonly options: GuardrailOptions;
  /** @internal */
  readonly engine: GuardrailEngine;
};

/** Whether `value` is a {@link Guardrails} made by `guardrails()`. @internal */
export function isGuardrails(value: unknown): value is Guardrails {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, options, engine } = value as Partial<Record<keyof Guardrails, unknown>>;
  return (
    kind === 'guardrails' &&
    typeof options === 'object' &&
    options !== null &&
    typeof engine === 'object' &&
    engine !== null
  );
}
