import { modelCallEntryOf } from '../../../http/model-call-entry.ts';
import { checkLogger } from '../../../logging/check-logger.ts';
import { checkModelName } from '../../../models/check-model-name.ts';
import {
  capabilitiesOptionCheck,
  getModelCapabilities,
} from '../../../models/model-capabilities.ts';
import {
  checkedWhereUsed,
  optionCheck,
  required,
  stringOption,
} from '../../../options/define-options.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** `gemini`, `model`, `capabilities` and `logger`: the client, the model and what it can do. @internal */
export const modelOptions: AgentOptionGroup<'gemini' | 'model' | 'capabilities' | 'logger'> =
  defineAgentOptions({
    checks: {
      gemini: required(
        optionCheck(
          (value) =>
            typeof value === 'object' &&
            value !== null &&
            typeof (value as { generateContent?: unknown }).generateContent === 'function',
          'gemini must be a client made by createGemini({ apiKey }).',
        ),
      ),
      model: required(
        stringOption({
          nonEmpty: true,
          message: "model must be a model name such as 'gemini-3-flash-preview'.",
        }),
      ),
      // Each field checked (a misspelt one named with the hint), copied by createAgent.
      capabilities: capabilitiesOptionCheck,
      // Checked by resolveModelOptions (checkLogger), which wraps it.
      logger: checkedWhereUsed,
    },
  });

/** The part of `AgentConfig` these options make. @internal */
export type ModelConfig = Pick<
  AgentConfig<unknown>,
  'gemini' | 'model' | 'capabilities' | 'logger' | 'modelCall' | 'redact'
>;

/**
 * Resolves the client, the model's capabilities and the agent's logger.
 * @throws {@link InvalidArgumentError} for a name that can never be a model id, or a bad logger.
 * @internal
 */
export function resolveModelOptions(options: AgentOptions<unknown>): ModelConfig {
  const { gemini, model } = options;
  // A name that can never be a model id fails here, not at the first run; with `capabilities`
  // the caller vouches for a gateway alias, whatever its case.
  checkModelName(model, { allowUppercase: options.capabilities !== undefined });
  const capabilities = getModelCapabilities(model, options.capabilities);
  const logger = checkLogger(options.logger, 'logger').child({ component: 'agent', model });
  const modelCall = modelCallEntryOf(gemini);
  return { gemini, model, capabilities, logger, modelCall, redact: modelCall.redact };
}
