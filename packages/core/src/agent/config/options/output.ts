import { checkedWhereUsed } from '../../../options/define-options.ts';
import { prepareOutput } from '../../structured-output.ts';
import type { PreparedTools } from '../../tool-calls/prepare-tools.ts';
import type { AgentConfig, OutputMode } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';
import type { ModelConfig } from './model.ts';

/** `output`: the schema of the structured final answer. @internal */
export const outputOption: AgentOptionGroup<'output'> = defineAgentOptions({
  checks: {
    // Checked by prepareOutput, which derives its JSON Schema.
    output: checkedWhereUsed,
  },
});

/** The part of `AgentConfig` this option makes. @internal */
export type OutputConfig = Pick<AgentConfig<unknown>, 'output' | 'outputMode'>;

/**
 * Prepares the output schema and chooses how it is asked for: on every request, or with one
 * final call without tools on models that cannot combine a response schema with tools.
 * @throws {@link InvalidArgumentError} for a schema that is not a Standard (JSON) Schema.
 * @internal
 */
export function resolveOutputOption(
  options: AgentOptions<unknown>,
  { capabilities }: ModelConfig,
  tools: PreparedTools,
): OutputConfig {
  const output = options.output === undefined ? undefined : prepareOutput(options.output);
  let outputMode: OutputMode = 'none';
  if (output !== undefined) {
    outputMode =
      tools.wireTools === undefined || capabilities.structuredOutputWithTools
        ? 'inline'
        : 'final-call';
  }
  return { output, outputMode };
}
