import type { AgentConfig } from '../config/agent-config.ts';
import { SubagentError } from '../errors/subagent-error.ts';
import { TreeBudgetError } from '../errors/tree-budget-error.ts';

/**
 * Whether `error` ends the run as it is (`AgentOptions.isRunEndingError`). A predicate that
 * throws answers `false`: the error is then handled as any other, which is what happens without
 * one. A {@link SubagentError} (a child that failed under `onError: 'throw'`) always ends it, so
 * it climbs the tree to the top run's caller whatever each level's `toolErrors` says.
 * @internal
 */
export function isRunEnding<Output>(config: AgentConfig<Output>, error: unknown): boolean {
  const predicate = config.isRunEndingError;
  try {
    // Inside the try: a thrown revoked proxy throws on any property read.
    // TreeBudgetError is the tree budget plugin's (budget/), but it is recognised here, by the
    // loop, because it must end every run up to the top one: thrown in a subagent's run it comes
    // back to the parent as its subagent tool's throw, which the tool path would otherwise answer
    // the model with (and a plugin hook's throw would become a PluginError). The error class sits
    // in agent/errors, below the loop, so the loop still imports no feature folder.
    if (SubagentError.isInstance(error) || TreeBudgetError.isInstance(error)) return true;
    if (predicate === undefined) return false;
    return predicate(error) === true;
  } catch {
    return false;
  }
}
