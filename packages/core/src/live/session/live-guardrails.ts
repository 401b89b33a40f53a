import type { AgentOptions } from '../../agent/config/agent-options.ts';
import type {
  EngineGuardrails,
  GuardrailEngine,
  GuardrailRunOptions,
} from '../../agent/run-state/run-context.ts';
import type { LiveEvent } from '../live-event.ts';

/**
 * The agent's guardrails for a live session, through the engine their value carries (the live
 * layer loads nothing of them itself); `undefined` without any. @internal
 */
export function liveGuardrailsOf(agent: AgentOptions<unknown>): EngineGuardrails | undefined {
  const guardrails = agent.guardrails;
  return guardrails === undefined
    ? undefined
    : (guardrails.engine as GuardrailEngine).compose([guardrails], undefined);
}

/**
 * What the guardrails' checks of a live session share: no run, so step 0 and no history; each
 * check a `guardrail` event with its reason redacted. @internal
 */
export function liveGuardrailOptions(
  guardrails: EngineGuardrails | undefined,
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
