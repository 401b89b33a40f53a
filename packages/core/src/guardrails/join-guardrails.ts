import type { Guardrails } from './guardrail-options.ts';

/**
 * Joins two guardrails into one, `outer` first (a chat session's, then its send's; a parent
 * run's, then a child agent's): lists concatenated in that order, `inner`'s settings winning.
 * An agent run as a tool inherits its parent's guardrails by passing them through this as the
 * child run's `guardrails`.
 */
export function joinGuardrails(
  outer: Guardrails | undefined,
  inner: Guardrails | undefined,
): Guardrails | undefined {
  if (outer === undefined) return inner;
  if (inner === undefined) return outer;
  const a = outer.options;
  const b = inner.options;
  return {
    kind: 'guardrails',
    options: {
      input: [...(a.input ?? []), ...(b.input ?? [])],
      output: [...(a.output ?? []), ...(b.output ?? [])],
      tools: [...(a.tools ?? []), ...(b.tools ?? [])],
      timeoutMs: b.timeoutMs ?? a.timeoutMs,
      onTimeout: b.onTimeout ?? a.onTimeout,
      holdBack: b.holdBack ?? a.holdBack,
      onToolError: b.onToolError ?? a.onToolError,
    },
    // The levels of both, outer first: a run composes them as these options read (lists in
    // order, the inner settings winning), so joining makes no plugin (nor loads any code).
    leading: [
      ...outer.leading,
      ...inner.leading.filter((plugin) => !outer.leading.includes(plugin)),
    ],
    trailing: [...outer.trailing, ...inner.trailing],
  };
}
