import { guardrailOptions } from '../../../guardrails/guardrail-options.ts';
import type { DeclaredOptions } from '../../../options/define-options.ts';
import { nestedOption } from '../../../options/option-checks.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `guardrails`: checks on input, output and function calls, and the tool-error rewrite. Declared
 * (with its defaults, `DEFAULT_GUARDRAIL_TIMEOUT_MS`) in guardrails/guardrail-options.ts, where
 * runs and chat sessions check theirs too. @internal
 */
export const guardrailsOption: AgentOptionGroup<'guardrails'> = defineAgentOptions({
  guardrails: { check: nestedOption(guardrailOptions as DeclaredOptions<unknown>) },
});

/** The part of `AgentConfig` this option makes. @internal */
export type GuardrailsConfig = Pick<AgentConfig<unknown>, 'guardrails'>;

/** Keeps the agent's guardrails as given: each run joins its own (see `composeGuardrails`). @internal */
export function resolveGuardrailsOption(options: AgentOptions<unknown>): GuardrailsConfig {
  return { guardrails: options.guardrails };
}
