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
    engine: inner.engine,
    options: {
      input: [...(a.input ?? []), ...(b.input ?? [])],
      output: [...(a.output ?? []), ...(b.output ?? [])],
      tools: [...(a.tools ?? []), ...(b.tools ?? [])],
      timeoutMs: b.timeoutMs ?? a.timeoutMs,
      onTimeout: b.onTimeout ?? a.onTimeout,
      holdBack: b.holdBack ?? a.holdBack,
      onToolError: b.onToolError ?? a.onToolError,
    },
  };
}
