import type { GuardrailRunOptions, RunContext } from '../agent/run-state/run-context.ts';

/** What guarding checks share for the step `stepNumber` of this run. @internal */
export function guardrailRunOptions<Output>(
  { config, run, signal, guardrails, recordGuardrail }: RunContext<Output>,
  stepNumber: number,
): GuardrailRunOptions {
  return {
    agentName: config.name,
    contents: run.contents,
    signal,
    now: config.now,
    stepNumber,
    timeoutMs: guardrails?.timeoutMs ?? Number.POSITIVE_INFINITY,
    failOpen: guardrails?.failOpen === true,
    record: recordGuardrail,
  };
}
