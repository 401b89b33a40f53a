import type { PluginOption } from '../agent/config/plugin-option.ts';
import {
  type CompactionOptions,
  type CompactionSettings,
  checkCompactionOptions,
  resolveCompaction,
} from './compaction-options.ts';
import { compactionPlugin } from './compaction-plugin.ts';

/**
 * The value of a `compaction` option (agent, run, chat session), made by {@link compaction}: the
 * options it was made from, and the plugin (`beforeModelCall`) it makes for the agent holding a
 * run.
 */
export type Compaction = PluginOption<'compaction', CompactionOptions>;

/**
 * Compaction for an agent, a run or a chat session: before a model step whose request would pass
 * the threshold, old tool results are cleared, old thoughts pruned and (with `summarize`) the
 * older turns summarized, never breaking call/response pairing or thought signatures (see
 * {@link CompactionOptions}). Sugar for a plugin (`beforeModelCall`, named
 * {@link COMPACTION_PLUGIN}) made for the model of the agent holding the run: the run's own
 * `compaction` in place of the agent's, and after a handoff the receiving agent's. An application
 * that never calls it does not bundle it.
 *
 * @example
 * ```ts
 * createAgent({ model, compaction: compaction({ maxTokens: 100_000, summarize: true }) });
 * ```
 * @throws {@link InvalidArgumentError} when an option is malformed (named in the message).
 */
export function compaction(given: CompactionOptions = {}): Compaction {
  // Each option read once, the nested settings too (checkCompactionOptions copies).
  const options = checkCompactionOptions(given);
  return {
    kind: 'compaction',
    options,
    // The defaults and the model's window applied for the agent; throws when no threshold can be
    // known (createAgent for the agent's option, the run's start for a run's).
    plugin: (agent) => compactionPlugin(resolveCompaction(options, agent) as CompactionSettings),
  };
}
