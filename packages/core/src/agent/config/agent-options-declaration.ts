import {
  type DeclaredOptions,
  defineOptions,
  type OptionsDeclaration,
} from '../../options/define-options.ts';
import type { AgentOptions } from './agent-options.ts';
import { apiOption } from './options/api.ts';
import { cacheOption } from './options/cache.ts';
import { callOptionsOption } from './options/call-options.ts';
import { compactionOption } from './options/compaction.ts';
import { continuationOption } from './options/continuation.ts';
import type { AgentOptionKey, KeysOfGroups } from './options/define-agent-options.ts';
import { generationConfigOption } from './options/generation-config.ts';
import { guardrailsOption } from './options/guardrails.ts';
import { modelOptions } from './options/model.ts';
import { observerOptions } from './options/observers.ts';
import { outputOption } from './options/output.ts';
import { pluginsOption } from './options/plugins.ts';
import { pricesOption } from './options/prices.ts';
import { requestFieldOptions } from './options/request-fields.ts';
import { stepOptions } from './options/steps.ts';
import { thinkingOption } from './options/thinking.ts';
import { toolChoiceOption } from './options/tool-choice.ts';
import { toolRunOptions } from './options/tool-runs.ts';
import { toolsOptions } from './options/tools.ts';

/** The groups of options/, every option of `createAgent` in exactly one. @internal */
export type AgentOptionGroups = [
  typeof modelOptions,
  typeof requestFieldOptions,
  typeof toolsOptions,
  typeof toolChoiceOption,
  typeof stepOptions,
  typeof continuationOption,
  typeof generationConfigOption,
  typeof thinkingOption,
  typeof outputOption,
  typeof toolRunOptions,
  typeof cacheOption,
  typeof compactionOption,
  typeof callOptionsOption,
  typeof observerOptions,
  typeof guardrailsOption,
  typeof pricesOption,
  typeof apiOption,
  typeof pluginsOption,
];

/**
 * The groups, in the order their options are listed in messages. A new group goes here and in
 * {@link AgentOptionGroups}; agent-option-keys.test-d.ts fails when the groups together miss an
 * option of `AgentOptions` or declare one twice. @internal
 */
export const agentOptionGroups: AgentOptionGroups = [
  modelOptions,
  requestFieldOptions,
  toolsOptions,
  toolChoiceOption,
  stepOptions,
  continuationOption,
  generationConfigOption,
  thinkingOption,
  outputOption,
  toolRunOptions,
  cacheOption,
  compactionOption,
  callOptionsOption,
  observerOptions,
  guardrailsOption,
  pricesOption,
  apiOption,
  pluginsOption,
];

// Does not compile while an option of AgentOptions is in no group: the error names it.
type Undeclared = Exclude<AgentOptionKey, KeysOfGroups<AgentOptionGroups>>;
const everyOptionDeclared: [Undeclared] extends [never] ? true : Undeclared = true;
void everyOptionDeclared;

/** The strict check of the options of `createAgent`, unknown keys refused. @internal */
export const agentOptionsDeclaration: DeclaredOptions<AgentOptions<unknown>> = defineOptions<
  AgentOptions<unknown>
>({
  name: 'createAgent',
  example: '{ gemini, model, tools, ... }',
  // Typed as one check per option of AgentOptions: the groups' keys, checked complete by
  // agent-option-keys.test-d.ts.
  checks: Object.assign(
    {},
    ...agentOptionGroups.map((group) => group.checks),
  ) as OptionsDeclaration<AgentOptions<unknown>>,
});
