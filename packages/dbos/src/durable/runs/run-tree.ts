import { markCancelled } from '../approvals/run-pauses.ts';
import { checkLimit, checkOptionKeys, checkRunId } from './check-runs-arguments.ts';
import {
  CHILD_WORKFLOW,
  childRunsPrefix,
  type DurableRunStatus,
  type RunAccessOptions,
} from './durable-run-types.ts';
import { checkAccess, headOne, ownerOf, statusesOf, stoppedRuns } from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';

// A run and its subagents' runs (child workflows, ids under `childRunsPrefix`).

/** The most subagent levels `ownerOf` climbs: far past any tree an agent makes. */
const MAX_TREE_LEVELS = 64;

/** How many child runs `childRuns()` lists by default. */
const DEFAULT_LISTED_CHILD_RUNS = 100;

// The options of `cancel()` and `childRuns()`, for checkOptionKeys.
const ACCESS = { owner: true } as const satisfies Record<keyof RunAccessOptions, true>;
const LIMIT = { limit: true } as const;

/** `runs.ownerOf()`: the owner of the run's top run, up its subagents' parents. @internal */
export async function topOwnerOf(backend: RunsBackend, runId: string): Promise<string | undefined> {
  checkRunId(runId);
  // Up a subagent's parents to the top run: one status read a level, the tree's depth bounded
  // (a child's parent id is its input, written by the parent's own workflow).
  let id = runId;
  for (let level = 0; level <= MAX_TREE_LEVELS; level += 1) {
    const workflow = await backend.getStatus(id);
    if (workflow === undefined) return undefined;
    const head = await headOne(backend, workflow);
    if (workflow.workflowName !== CHILD_WORKFLOW) return ownerOf(workflow, head);
    const parent = head?.parentRunId;
    if (parent === undefined) return undefined;
    id = parent;
  }
  return undefined;
}

/** `runs.cancel()`: the run and its subagents' runs, none left waiting for a decision. @internal */
export async function cancelRun(
  backend: RunsBackend,
  runId: string,
  options: RunAccessOptions,
): Promise<void> {
  checkOptionKeys(options, ACCESS, 'runs.cancel()');
  const { owner } = options;
  checkRunId(runId);
  await checkAccess(backend, runId, 'cancel', owner);
  await markCancelled(backend.pool, runId);
  // Its subagents' runs too (DBOS cancels child workflows with their parent): a paused child
  // no longer waits for a decision, nor is it listed as waiting.
  const children = await backend.listWorkflows({
    workflowName: CHILD_WORKFLOW,
    workflow_id_prefix: childRunsPrefix(runId),
    loadInput: false,
    loadOutput: false,
  });
  for (const child of children) await markCancelled(backend.pool, child.workflowID);
  await backend.cancel(runId);
}

/** `runs.childRuns()`: the run's subagents' runs, at most `limit`. @internal */
export async function listChildRuns(
  backend: RunsBackend,
  runId: string,
  options: { limit?: number | undefined },
): Promise<DurableRunStatus[]> {
  checkOptionKeys(options, LIMIT, 'runs.childRuns()');
  const { limit = DEFAULT_LISTED_CHILD_RUNS } = options;
  checkRunId(runId);
  checkLimit(limit);
  const workflows = await backend.listWorkflows({
    workflowName: CHILD_WORKFLOW,
    workflow_id_prefix: childRunsPrefix(runId),
    loadInput: false,
    loadOutput: false,
    limit,
  });
  const waiting = await stoppedRuns(
    backend.pool,
    workflows.filter((run) => run.status === 'CANCELLED').map((run) => run.workflowID),
  );
  return statusesOf(backend, workflows, waiting);
}
