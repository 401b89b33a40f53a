import type { PluginRun } from '../agent/plugins/agent-plugin.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import type { ComposedGuardrails } from './compose-guardrails.ts';
import type { GuardrailRunOptions } from './guardrail-check-results.ts';

/**
 * What guarding checks share for the step `stepNumber` of this run, under `guardrails` (the run's
 * levels joined, see `guardrailsOf`); each check ends as a `guardrail` event the plugin reports
 * (`run.reportCheck`, redacted where it is made). @internal
 */
export function guardrailRunOptions<Output>(
  { config, run: tracker, signal, link }: RunContext<Output>,
  stepNumber: number,
  run: PluginRun<unknown>,
  guardrails: ComposedGuardrails | undefined,
): GuardrailRunOptions {
  return {
    agentName: config.name,
    contents: tracker.contents,
    signal,
    now: config.now,
    stepNumber,
    timeoutMs: guardrails?.timeoutMs ?? Number.POSITIVE_INFINITY,
    failOpen: guardrails?.failOpen === true,
    depth: link.depth,
    record: (check) => run.reportCheck(check),
  };
}
