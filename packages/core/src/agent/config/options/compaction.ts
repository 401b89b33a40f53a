import type { Logger } from '../../../logging/logger.ts';
import type { ModelCapabilities } from '../../../models/model-capabilities.ts';
import type { OptionCheck } from '../../../options/define-options.ts';
import { isOptionsObject, optionCheck } from '../../../options/define-options.ts';
import type { ToolOutputLimit } from '../../../tools/responses/cut-function-response.ts';
import {
  defaultToolOutputLimit,
  toolOutputSafetyNet,
} from '../../../tools/responses/default-tool-output-limit.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import type { AgentOptions } from '../agent-options.ts';
import { isPluginOption, type PluginOption, type PluginOptionAgent } from '../plugin-option.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

function message(path: string, value: unknown): string {
  // The implementation lives behind its subpath so an agent that does not compact does not
  // bundle it: the old plain-object spelling gets the migration, not just a refusal.
  if (isOptionsObject(value)) {
    return `${path}: compaction is now passed as a value from its subpath: import { compaction } from '@gemloop/core/compaction' and pass compaction: compaction({ maxTokens, summarize, ... }) (the same options the plain object had).`;
  }
  return `${path} must be compaction({ ... }) from '@gemloop/core/compaction', or false for none; got ${value === true ? 'true' : typeof value}.`;
}

const isCompactionValue = optionCheck(
  (value: unknown) => isPluginOption(value, 'compaction'),
  message,
);

const isToolOutputValue = optionCheck(
  (value: unknown) => isPluginOption(value, 'tool-output'),
  (path, value) =>
    isOptionsObject(value)
      ? `${path}: a tool output budget is now passed as a value from '@gemloop/core/compaction': import { toolOutput } from '@gemloop/core/compaction' and pass toolOutput: toolOutput({ maxTokens, perTool, artifacts }) (the same options the plain object had).`
      : `${path} must be toolOutput({ ... }) from '@gemloop/core/compaction', or false for no cap; got ${value === true ? 'true' : typeof value}.`,
);

/**
 * The check of the agent's `toolOutput` option: a value made by `toolOutput()` (whose options
 * that factory already checked), or `false` (no cap at all). The old plain object gets the
 * migration. @internal
 */
export const toolOutputValueCheck: OptionCheck = (value, path) => {
  if (value === false) return;
  isToolOutputValue(value, path);
};

/**
 * The check of a `compaction` option (agent, run, chat session): a value made by `compaction()`
 * (whose options that factory already checked), or `false`. @internal
 */
export const compactionValueCheck: OptionCheck = (value, path) => {
  if (value === false) return;
  isCompactionValue(value, path);
};

/**
 * `compaction` and `toolOutput`: what keeps a long run inside the window. Their checks, defaults
 * and implementation come with their values (`compaction()`, `toolOutput()` of
 * `@gemloop/core/compaction`), so an agent without them bundles none of it. @internal
 */
export const compactionOption: AgentOptionGroup<'compaction' | 'toolOutput'> = defineAgentOptions({
  checks: {
    compaction: compactionValueCheck,
    toolOutput: toolOutputValueCheck,
  },
});

/** The part of `AgentConfig` these options make. @internal */
export type CompactionConfig = {
  /**
   * The plugin of the agent's `compaction` made for its model; not among its `plugins`: a run
   * holds it while the agent holds the run, unless the run has its own (see `agentScope`).
   */
  compaction: AgentPlugin | undefined;
  /**
   * The default cap on a tool result, the loop's own cheap check (not a plugin: every agent has
   * it, and a plugin on every agent would bundle and run the seam for all of them);
   * with a `toolOutput` (whose plugin cuts, the default included for tools it gives no limit),
   * the widest of its limits, a net for the results no plugin saw (after a handoff to the agent);
   * `undefined` for `toolOutput: false`.
   */
  toolOutputDefault: ToolOutputLimit | undefined;
  /** The plugin of the agent's `toolOutput`, added after its own `plugins`; `undefined`: none. */
  toolOutputPlugin: AgentPlugin | undefined;
};

/**
 * The plugin a `compaction` value makes for `agent` (its defaults and the window of the agent's
 * model applied); `undefined` when it is `false` or not given.
 * @throws {@link InvalidArgumentError} when compaction has no threshold it can know.
 * @internal
 */
export function compactionPluginFor(
  value: PluginOption<'compaction'> | false | undefined,
  agent: PluginOptionAgent,
): AgentPlugin | undefined {
  if (value === undefined || value === false) return undefined;
  return value.plugin(agent);
}

/**
 * Applies the compaction defaults, with the model's window from the capabilities table.
 * @throws {@link InvalidArgumentError} when compaction has no threshold it can know.
 * @internal
 */
export function resolveCompactionOption(
  options: AgentOptions<unknown>,
  { model, capabilities }: { model: string; capabilities: ModelCapabilities },
  { tools, logger }: { tools: ReadonlyMap<string, object>; logger: Logger },
): CompactionConfig {
  const { inputTokenLimit } = capabilities;
  const { toolOutput } = options;
  return {
    compaction: compactionPluginFor(options.compaction, { model, inputTokenLimit, tools, logger }),
    toolOutputDefault:
      toolOutput === undefined
        ? defaultToolOutputLimit(inputTokenLimit)
        : toolOutput === false
          ? undefined
          : // Its plugin cuts; the loop keeps a net its results always fit (see toolOutputSafetyNet).
            toolOutputSafetyNet(
              toolOutput.options as Parameters<typeof toolOutputSafetyNet>[0],
              inputTokenLimit,
            ),
    toolOutputPlugin:
      toolOutput === undefined || toolOutput === false
        ? undefined
        : toolOutput.plugin({ model, inputTokenLimit, tools, logger }),
  };
}
