import type { OptionCheck } from '../../../options/define-options.ts';
import { isOptionsObject, optionCheck } from '../../../options/define-options.ts';
import { isGuardrails } from '../guardrails-value.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

function message(path: string, value: unknown): string {
  // The checks live behind their subpath so an agent without guardrails does not bundle them:
  // the old plain-object spelling gets the migration, not just a refusal.
  if (isOptionsObject(value)) {
    return `${path}: guardrails are now passed as a value from their subpath: import { guardrails } from '@gemloop/core/guardrails' and pass ${path}: guardrails({ input, output, tools, ... }) (the same options the plain object had).`;
  }
  return `${path} must be guardrails({ input, output, tools }) from '@gemloop/core/guardrails'; got ${typeof value}.`;
}

/**
 * The check of a `guardrails` option (agent, run, chat session, send): a value made by
 * `guardrails()`, whose options that factory already checked. @internal
 */
export const guardrailsValueCheck: OptionCheck = optionCheck(isGuardrails, message);

/** `guardrails`: checks on input, output and function calls, and the tool-error rewrite. @internal */
export const guardrailsOption: AgentOptionGroup<'guardrails'> = defineAgentOptions({
  checks: {
    guardrails: guardrailsValueCheck,
  },
});
