/**
 * The value of a `guardrails` option (agent, run, chat session, send) as the loop holds it: made
 * by `guardrails()` of `@gemloop/core/guardrails` (its `Guardrails` type names the options), it
 * carries the checks' options and their implementation. Opaque here: the loop reaches the
 * guardrails only through the engine the value carries, so an agent without guardrails never
 * loads (nor bundles) them, and no loop folder imports `guardrails/` (the architecture test).
 */
export type GuardrailsValue = {
  readonly kind: 'guardrails';
  /** The options it was made from (checked by `guardrails()`). */
  readonly options: object;
  /** The implementation the loop calls (a `GuardrailEngine` of agent/run-state/run-context.ts). @internal */
  readonly engine: object;
};

/** Whether `value` is a {@link GuardrailsValue} made by `guardrails()`. @internal */
export function isGuardrails(value: unknown): value is GuardrailsValue {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, options, engine } = value as Partial<Record<keyof GuardrailsValue, unknown>>;
  return (
    kind === 'guardrails' &&
    typeof options === 'object' &&
    options !== null &&
    typeof engine === 'object' &&
    engine !== null
  );
}
