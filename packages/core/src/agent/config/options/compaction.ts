import {
  type CompactionSettings,
  compactionOptionCheck,
  resolveCompaction,
  type ToolOutputOptions,
  toolOutputOptionCheck,
} from '../../../compaction/compaction-options.ts';
import type { ModelCapabilities } from '../../../models/model-capabilities.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `compaction` and `toolOutput`: what keeps a long run inside the window. Their shapes, checks
 * and defaults live with the compaction code (compaction/compaction-options.ts); this group joins
 * them to `createAgent`. @internal
 */
export const compactionOption: AgentOptionGroup<'compaction' | 'toolOutput'> = defineAgentOptions({
  compaction: { check: compactionOptionCheck },
  toolOutput: { check: toolOutputOptionCheck },
});

/** The part of `AgentConfig` these options make. @internal */
export type CompactionConfig = {
  compaction: CompactionSettings | undefined;
  toolOutput: ToolOutputOptions | undefined;
};

/**
 * Applies the compaction defaults, with the model's window from the capabilities table.
 * @throws {@link InvalidArgumentError} when compaction has no threshold it can know.
 * @internal
 */
export function resolveCompactionOption(
  options: AgentOptions<unknown>,
  { model, capabilities }: { model: string; capabilities: ModelCapabilities },
): CompactionConfig {
  return {
    compaction: resolveCompaction(options.compaction, {
      model,
      inputTokenLimit: capabilities.inputTokenLimit,
    }),
    toolOutput: options.toolOutput,
  };
}
