import type { AgentPlugin } from '../plugins/agent-plugin.ts';

/**
 * The value of a `guardrails` option (agent, run, chat session, send) as the agent holds it: made
 * by `guardrails()` of `@gemloop/core/guardrails` (its `Guardrails` type names the options), it
 * carries the plugins it is sugar for. The option's name is public; what the loop sees of it is
 * two lists of plugins (`leading` before the agent's own `plugins`, `trailing` after them; a run's
 * own after its `plugins`), so an agent without guardrails never loads (nor bundles) them, and no
 * loop folder names what they do.
 */
export type GuardrailsValue = {
  readonly kind: 'guardrails';
  /** The options it was made from (checked by `guardrails()`). */
  readonly options: object;
  /** Plugins the option adds before the agent's own `plugins` (a check that sees input first). */
  readonly leading: readonly AgentPlugin[];
  /** Plugins the option adds after them (the levels' settings, carried by the run's plugins). */
  readonly trailing: readonly AgentPlugin[];
};

/** Whether `value` is a {@link GuardrailsValue} made by `guardrails()`. @internal */
export function isGuardrails(value: unknown): value is GuardrailsValue {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, options, leading, trailing } = value as Partial<
    Record<keyof GuardrailsValue, unknown>
  >;
  return (
    kind === 'guardrails' &&
    typeof options === 'object' &&
    options !== null &&
    Array.isArray(leading) &&
    Array.isArray(trailing)
  );
}
