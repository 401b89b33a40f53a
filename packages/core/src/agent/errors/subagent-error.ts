import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';

/** What {@link SubagentError} carries. */
export type SubagentErrorOptions = {
  message: string;
  /** The subagent tool's name. */
  toolName: string;
  /** The failed child's path in the tree, e.g. `['research', 'searcher#2']`. */
  path: readonly string[];
  /** The child's history, steps and usage when it failed, when it got that far. */
  childRun: AgentRunState | undefined;
  cause: unknown;
};

/**
 * A subagent's run failed and its tool was made with `onError: 'throw'`: the parent run ends with
 * this very error (not a wrapper around it), as an error `isRunEndingError` picks does. `cause` is
 * the child's own error (an `AgentRunError` subclass, usually), `childRun` what the child left.
 */
export class SubagentError extends GemloopError {
  override readonly code = 'subagent';
  readonly toolName: string;
  readonly path: readonly string[];
  declare readonly childRun: AgentRunState | undefined;

  constructor({ message, toolName, path, childRun, cause }: SubagentErrorOptions) {
    super({ message, cause });
    this.toolName = toolName;
    this.path = path;
    // Not enumerable, as `AgentRunError.run`: a history has no place in a log line.
    Object.defineProperty(this, 'childRun', { value: childRun, enumerable: false });
  }

  /** Whether `error` is a subagent error, from any copy of the package. */
  static override isInstance(error: unknown): error is SubagentError {
    return GemloopError.hasCode(error, 'subagent');
  }
}
