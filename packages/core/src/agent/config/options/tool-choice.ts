import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import type { ModelCapabilities } from '../../../models/model-capabilities.ts';
import { checkedWhereUsed, dataOption, describeValue } from '../../../options/define-options.ts';
import type { FunctionCallingConfig } from '../../../wire/request.ts';
import type { ToolChoice } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** `toolChoice`: which functions the model may call. @internal */
export const toolChoiceOption: AgentOptionGroup<'toolChoice'> = defineAgentOptions({
  checks: {
    // Checked by resolveToolChoice, against the declared functions and the model; copied by
    // createAgent (dataOption), so what it checks is what the requests send.
    toolChoice: dataOption(checkedWhereUsed),
  },
});

const modes = ['AUTO', 'ANY', 'NONE', 'VALIDATED'] as const;

/**
 * Turns `toolChoice` into `toolConfig.functionCallingConfig`, checking it against the declared
 * functions and the model.
 *
 * @throws {@link InvalidArgumentError} for an unknown mode, allowed names with a mode that ignores
 *   them, a name no tool declares (the message lists the declared ones), a choice without function
 *   tools, or `VALIDATED` on a known model generation that lacks it.
 * @internal
 */
export function resolveToolChoice({
  toolChoice,
  functionNames,
  capabilities,
  model,
}: {
  toolChoice: ToolChoice | undefined;
  functionNames: readonly string[];
  capabilities: ModelCapabilities;
  model: string;
}): FunctionCallingConfig | undefined {
  if (toolChoice === undefined) return undefined;
  const { mode, allowed } = readChoice(toolChoice);
  if (functionNames.length === 0 && mode !== 'NONE') {
    throw new InvalidArgumentError({
      argument: 'toolChoice',
      message: `toolChoice is ${mode}, but the agent has no function tools. Add tools, or remove toolChoice.`,
    });
  }
  if (
    mode === 'VALIDATED' &&
    capabilities.generation !== undefined &&
    !capabilities.validatedFunctionCalling
  ) {
    throw new InvalidArgumentError({
      argument: 'toolChoice',
      message: `Model '${model}' has no VALIDATED function-calling mode (Gemini 2.5 and later). Use 'AUTO' or 'ANY', or set capabilities.validatedFunctionCalling if the model has it.`,
    });
  }
  const config: FunctionCallingConfig = { mode };
  if (allowed !== undefined) {
    if (allowed.length === 0) {
      throw new InvalidArgumentError({
        argument: 'toolChoice.allowedFunctionNames',
        message:
          'toolChoice.allowedFunctionNames is empty; list at least one function, or use mode NONE.',
      });
    }
    allowed.forEach((name, index) => {
      if (!functionNames.includes(name)) {
        throw new InvalidArgumentError({
          argument: `toolChoice.allowedFunctionNames[${index}]`,
          message: `toolChoice.allowedFunctionNames[${index}] is ${describeValue(name)}, which no tool declares. Declared functions: ${functionNames.join(', ')}.`,
        });
      }
    });
    config.allowedFunctionNames = [...allowed];
  }
  return config;
}

function readChoice(toolChoice: ToolChoice): {
  mode: (typeof modes)[number];
  allowed: readonly string[] | undefined;
} {
  if (typeof toolChoice === 'string') {
    if (!modes.includes(toolChoice as (typeof modes)[number]))
      throw badMode('toolChoice', toolChoice);
    return { mode: toolChoice as (typeof modes)[number], allowed: undefined };
  }
  if (typeof toolChoice !== 'object' || toolChoice === null)
    throw badMode('toolChoice', toolChoice);
  const { mode, allowedFunctionNames } = toolChoice as {
    mode?: unknown;
    allowedFunctionNames?: unknown;
  };
  if (mode !== 'ANY' && mode !== 'VALIDATED') {
    throw new InvalidArgumentError({
      argument: 'toolChoice.mode',
      message: `toolChoice.mode must be 'ANY' or 'VALIDATED' when allowedFunctionNames is given (the API ignores the names in other modes); got ${describeValue(mode)}.`,
    });
  }
  if (!Array.isArray(allowedFunctionNames)) {
    throw new InvalidArgumentError({
      argument: 'toolChoice.allowedFunctionNames',
      message: 'toolChoice.allowedFunctionNames must be an array of declared function names.',
    });
  }
  return { mode, allowed: allowedFunctionNames as readonly string[] };
}

function badMode(argument: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    argument,
    message: `${argument} must be 'AUTO', 'ANY', 'NONE', 'VALIDATED', or { mode: 'ANY' | 'VALIDATED', allowedFunctionNames: [...] }; got ${describeValue(value)}.`,
  });
}
