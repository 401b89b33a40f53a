import type { GuardrailOptions } from '../../guardrails/guardrail-options.ts';

/**
 * The value of a `guardrails` option (agent, run, chat session, send): made by `guardrails()` of
 * `@gemloop/core/guardrails`, it carries the checks' options and their implementation, so an
 * agent without guardrails never loads (nor bundles) the checks: the loop reaches them only
 * through this value.
 */
export type Guardrails = {
  readonly kind: 'guardrails';
  /** The options it was made from (checked). */
  readonly options: GuardrailOptions;
  /**
   * The implementation the loop calls (a `GuardrailEngine` of agent/run-state/run-context.ts;
   * opaque here, so the option types do not import the loop's). @internal
   */
  readonly engine: object;
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
