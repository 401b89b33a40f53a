import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { checkedWhereUsed } from '../../../options/define-options.ts';
import { createArgumentRedactor } from '../../../tools/define/argument-redactor.ts';
import { prepareTools } from '../../tool-calls/prepare-tools.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';
import type { ModelConfig } from './model.ts';

/** `tools`: the function tools and built-ins. @internal */
export const toolsOptions: AgentOptionGroup<'tools'> = defineAgentOptions({
  checks: {
    // Checked by prepareTools, against the model's capabilities (resolveToolsOption).
    tools: checkedWhereUsed,
  },
});

/** The part of `AgentConfig` this option makes. @internal */
export type ToolsConfig = Pick<AgentConfig<unknown>, 'tools' | 'argumentRedactor'>;

/**
 * Checks and prepares the tools for the model.
 * @throws {@link InvalidArgumentError} naming the tool at fault.
 * @internal
 */
export function resolveToolsOption(
  options: AgentOptions<unknown>,
  { gemini, model, capabilities, logger }: ModelConfig,
): ToolsConfig {
  const tools = prepareTools({
    tools: options.tools,
    capabilities,
    gemini,
    model,
    callOptions: options.callOptions,
  });
  if (
    gemini.platform === 'vertex' &&
    tools.wireTools?.some((tool) => tool.mcpServers !== undefined)
  ) {
    throw new InvalidArgumentError({
      argument: 'tools',
      message:
        'mcpServers() is a Gemini API tool ("not supported in Vertex AI"); use a Gemini API client, or run the MCP tools yourself as function tools.',
    });
  }
  if (tools.fallbacks.length > 0) {
    logger.info(
      { fallbacks: tools.fallbacks },
      'this model cannot combine built-in tools with function tools; the built-ins are declared as functions backed by separate grounded calls',
    );
  }
  return { tools, argumentRedactor: createArgumentRedactor(tools.functions.values()) };
}
