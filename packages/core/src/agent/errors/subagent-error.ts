import { GemloopError } from '../../errors/gemloop-error.ts';
import type { Cost } from '../../models/cost.ts';
import type { AgentRunState, AgentUsage } from '../../run/agent-result.ts';

/** What {@link SubagentError} carries. */
export type SubagentErrorOptions = {
  message: string;
  /**
   * The subagent tool's name; `'agent.run'` or `'agent.stream'` for a run that a plugin hook or a
   * tool started past the depth limit (64: a hook or tool that runs its own agent).
   */
  toolName: string;
  /** The failed child's path in the tree, e.g. `['research', 'searcher#2']`. */
  path: readonly string[];
  /** The child's history, steps and usage when it failed, when it got that far. */
  childRun: AgentRunState | undefined;
  /** What the failed child's model calls used (its own subagents' included). */
  readonly usage: AgentUsage;
  /** What `usage` cost, each call at its own model's prices; `undefined` when not known. */
  readonly cost: Cost | undefined;
  cause: unknown;
};

/**
 * A subagent's run failed and its tool was made with `onError: 'throw'` (or a tree of agents, or
 * of runs that hooks and tools started, went past its depth limit): the parent run ends with
 * this very error (not a wrapper around it), as an error `isRunEndingError` picks does. `cause` is
 * the child's own error (an `AgentRunError` subclass, usually), `childRun` what the child left.
 *
 * `usage` and `cost` are what was spent, since the error ends runs without results: set to the
 * failed child's when it is made, then, as it ends each run on its way up, to that run's total
 * (its children's included), so the caller of the top run reads what the whole tree spent.
 */
export class SubagentError extends GemloopError {
  override readonly code = 'subagent';
  readonly toolName: string;
  readonly path: readonly string[];
  declare readonly childRun: AgentRunState | undefined;
  /** What the runs this error ended spent (see the class comment). */
  readonly usage: AgentUsage;
  /** What `usage` cost; `undefined` when not known. */
  readonly cost: Cost | undefined;

  constructor({ message, toolName, path, childRun, usage, cost, cause }: SubagentErrorOptions) {
    super({ message, cause });
    this.toolName = toolName;
    this.path = path;
    this.usage = usage;
    this.cost = cost;
    // Not enumerable, as `AgentRunError.run`: a history has no place in a log line.
    Object.defineProperty(this, 'childRun', { value: childRun, enumerable: false });
  }

  /** Whether `error` is a subagent error, from any copy of the package. */
  static override isInstance(error: unknown): error is SubagentError {
    return GemloopError.hasCode(error, 'subagent');
  }
}
