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
    if (SubagentError.isInstance(error) || TreeBudgetError.isInstance(error)) return true;
    if (predicate === undefined) return false;
    return predicate(error) === true;
  } catch {
    return false;
  }
}
