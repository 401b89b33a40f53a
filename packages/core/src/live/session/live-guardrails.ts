import type { AgentOptions } from '../../agent/config/agent-options.ts';
import { type ComposedGuardrails, composeGuardrails } from '../../guardrails/compose-guardrails.ts';
import type { GuardrailRunOptions } from '../../guardrails/guardrail-check-results.ts';
import type { Guardrails } from '../../guardrails/guardrail-options.ts';
import type { LiveEvent } from '../live-event.ts';

/**
 * The agent's guardrails for a live session (its value's options as one level: the input checks,
 * the tool checks, their time limit and the tool-error rewrite); `undefined` without any. A live
 * session calls the guardrails' own checks (`guardrails/`), as a feature above them. @internal
 */
export function liveGuardrailsOf(agent: AgentOptions<unknown>): ComposedGuardrails | undefined {
  const guardrails = agent.guardrails as Guardrails | undefined;
  return guardrails === undefined
    ? undefined
    : composeGuardrails(
        [
          { options: guardrails.options, tools: false },
          { options: guardrails.options, tools: true },
        ],
        undefined,
      );
}

/**
 * What the guardrails' checks of a live session share: no run, so step 0 and no history; each
 * check a `guardrail` event with its reason redacted. @internal
 */
export function liveGuardrailOptions(
  guardrails: ComposedGuardrails | undefined,
  agentName: string | undefined,
  signal: AbortSignal,
  emit: (event: LiveEvent) => void,
  redact: <T>(value: T) => T,
): GuardrailRunOptions {
  return {
    agentName,
    contents: [],
    signal,
    now: Date.now,
    stepNumber: 0,
    timeoutMs: guardrails?.timeoutMs ?? Number.POSITIVE_INFINITY,
    failOpen: guardrails?.failOpen === true,
    record: (record) =>
      emit({
        type: 'guardrail',
        ...record,
        reason: record.reason === undefined ? undefined : redact(record.reason),
      }),
  };
}
