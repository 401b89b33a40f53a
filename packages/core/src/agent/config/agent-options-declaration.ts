import {
  type DeclaredOptions,
  defineOptions,
  type OptionsDeclaration,
} from '../../options/define-options.ts';
import type { AgentOptions } from './agent-options.ts';
import { cacheOption } from './options/cache.ts';
import { callOptionsOption } from './options/call-options.ts';
import { generationConfigOption } from './options/generation-config.ts';
import { modelOptions } from './options/model.ts';
import { observerOptions } from './options/observers.ts';
import { outputOption } from './options/output.ts';
import { requestFieldOptions } from './options/request-fields.ts';
import { stepOptions } from './options/steps.ts';
import { thinkingOption } from './options/thinking.ts';
import { toolChoiceOption } from './options/tool-choice.ts';
import { toolRunOptions } from './options/tool-runs.ts';
import { toolsOptions } from './options/tools.ts';

/**
 * Every option's check, joined from the groups of options/ (each option is declared in the file
 * of its group, with its default and its resolution). The annotation is the completeness check:
 * an option of `AgentOptions` that no group declares is a missing property here, and one a group
 * declares twice is caught by agent-option-keys.test-d.ts.
 */
const agentOptionChecks: OptionsDeclaration<AgentOptions<unknown>> = {
  ...modelOptions.checks,
  ...requestFieldOptions.checks,
  ...toolsOptions.checks,
  ...toolChoiceOption.checks,
  ...stepOptions.checks,
  ...generationConfigOption.checks,
  ...thinkingOption.checks,
  ...outputOption.checks,
  ...toolRunOptions.checks,
  ...cacheOption.checks,
  ...callOptionsOption.checks,
  ...observerOptions.checks,
};

/** The groups of options/, every option of `createAgent` in exactly one. @internal */
export type AgentOptionGroups = [
  typeof modelOptions,
  typeof requestFieldOptions,
  typeof toolsOptions,
  typeof toolChoiceOption,
  typeof stepOptions,
  typeof generationConfigOption,
  typeof thinkingOption,
  typeof outputOption,
  typeof toolRunOptions,
  typeof cacheOption,
  typeof callOptionsOption,
  typeof observerOptions,
];

/** The groups, for tests that walk every declaration. @internal */
export const agentOptionGroups: AgentOptionGroups = [
  modelOptions,
  requestFieldOptions,
  toolsOptions,
  toolChoiceOption,
  stepOptions,
  generationConfigOption,
  thinkingOption,
  outputOption,
  toolRunOptions,
  cacheOption,
  callOptionsOption,
  observerOptions,
];

/** The strict check of the options of `createAgent`, unknown keys refused. @internal */
export const agentOptionsDeclaration: DeclaredOptions<AgentOptions<unknown>> = defineOptions<
  AgentOptions<unknown>
>({
  name: 'createAgent',
  example: '{ gemini, model, tools, ... }',
  checks: agentOptionChecks,
});
