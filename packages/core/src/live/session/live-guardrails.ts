import type { AgentOptions } from '../../agent/config/agent-options.ts';
import type { ComposedGuardrails } from '../../guardrails/compose-guardrails.ts';
import type { GuardrailRunOptions } from '../../guardrails/guardrail-check-results.ts';
import type { Guardrails, LiveGuardrailsCarrier } from '../../guardrails/guardrails.ts';
import type { LiveGuardrails } from '../../guardrails/live-guardrails.ts';
import type { LiveEvent } from '../live-event.ts';

/**
 * The agent's guardrails for a live session (its value's options as one level: the input checks,
 * the tool checks, their time limit and the tool-error rewrite) and their checks, which the value
 * `guardrails()` made carries (`live`): a Live app without guardrails bundles none of them.
 * `undefined` without any. @internal
 */
export function liveGuardrailsOf(agent: AgentOptions<unknown>): LiveGuardrails | undefined {
  const guardrails = agent.guardrails as (Guardrails & Partial<LiveGuardrailsCarrier>) | undefined;
  return guardrails?.live?.(guardrails.options);
}

/**
 * What the guardrails' checks of a live session share: no run, so step 0 and no history; the
 * session's depth; each check a `guardrail` event with its reason redacted. @internal
 */
export function liveGuardrailOptions(
  guardrails: ComposedGuardrails | undefined,
  agentName: string | undefined,
  signal: AbortSignal,
  emit: (event: LiveEvent) => void,
  redact: <T>(value: T) => T,
  /** The session's run depth: its checks are called at it, as its tools and hooks are. */
  depth: number,
): GuardrailRunOptions {
  return {
    agentName,
    contents: [],
    signal,
    now: Date.now,
    stepNumber: 0,
    timeoutMs: guardrails?.timeoutMs ?? Number.POSITIVE_INFINITY,
    failOpen: guardrails?.failOpen === true,
    depth,
    record: (record) =>
      emit({
        type: 'guardrail',
        ...record,
        reason: record.reason === undefined ? undefined : redact(record.reason),
      }),
  };
}
