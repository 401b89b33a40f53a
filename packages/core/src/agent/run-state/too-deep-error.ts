import { SubagentError } from '../errors/subagent-error.ts';
import { emptyUsage } from '../usage.ts';

/**
 * The error of a run that would start `depth` runs deep, one past `MAX_RUN_DEPTH`: a plugin hook
 * or a tool that calls `agent.run()` (`agent.stream()` when `streamed`) of its own agent. A `SubagentError`,
 * as a cycle of subagents ends, so that it ends every run up to the top one (no hook or tool on
 * the way answers it). Loaded only by such a run (never part of what a run loads), and importing no more than the
 * error, so that it is a chunk of its own in a browser bundle.
 * @internal
 */
export function tooDeepError(depth: number, streamed: boolean): SubagentError {
  const way = streamed ? 'agent.stream' : 'agent.run';
  return new SubagentError({
    message: `${way}() would start a run ${depth} deep, past the limit of ${depth - 1}: a plugin hook or a tool that runs its own agent starts a run inside its own without end. Give the work to a subagent tool (subagent() of @gemloop/core/composition, bounded by maxDepth) or a side call (run.generate), or keep the hook or tool from running its own agent.`,
    toolName: way,
    path: [],
    childRun: undefined,
    usage: emptyUsage(),
    cost: undefined,
    cause: undefined,
  });
}
