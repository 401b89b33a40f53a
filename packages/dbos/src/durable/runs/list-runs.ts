import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { checkOwnerOption } from '@gemloop/core/internal';
import { checkLimit, checkOptionKeys } from './check-runs-arguments.ts';
import { type DurableRunStatus, RUN_WORKFLOW } from './durable-run-types.ts';
import type { DurableRuns } from './durable-runs.ts';
import { headsOf, reportedStatus, type StoppedRuns, stoppedRuns, toStatus } from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';
import { ownerAttributes } from './stored-run-data.ts';

/** How many workflows `list()` with a status filter asks DBOS for at a time. */
const LIST_PAGE = 100;

/** Every option of `list()`, for checkOptionKeys. */
const LIST = { status: true, limit: true, owner: true } as const;

/** `runs.list()`: top runs, newest first, by status and owner, at most `limit`. @internal */
export async function listRuns(
  backend: RunsBackend,
  options: Parameters<DurableRuns['list']>[0] = {},
): Promise<DurableRunStatus[]> {
  checkOptionKeys(options, LIST, 'runs.list()');
  const { status, limit } = options;
  checkLimit(limit);
  const owner = checkOwnerOption(options.owner, 'owner');
  const wanted =
    status === undefined ? undefined : typeof status === 'string' ? [status] : [...status];
  // Paused runs are CANCELLED workflows reported as PENDING: ask DBOS for both.
  const asked =
    wanted === undefined
      ? undefined
      : wanted.includes('PENDING') && !wanted.includes('CANCELLED')
        ? [...wanted, 'CANCELLED' as const]
        : wanted;
  // Without inputs or outputs (a run's agent and owner are its attributes), the limit held
  // before any input is loaded: a status filter reads pages until `limit` runs match, since a
  // CANCELLED workflow may be a paused run (PENDING) or not (attack24b: `list({ limit: 3 })`
  // read every run's input, 5.8 s for three of 100 MB).
  const kept: { workflow: WorkflowStatus; waiting: StoppedRuns }[] = [];
  const seen = new Set<string>();
  const page =
    limit === undefined ? undefined : asked === undefined ? limit : Math.max(limit, LIST_PAGE);
  for (let offset = 0; limit === undefined || kept.length < limit; ) {
    const workflows = await backend.listWorkflows({
      workflowName: RUN_WORKFLOW,
      // In the query, not after it: a page filtered here let another owner's newer runs push
      // this owner's off it (leftovers41). A run started before gemloop wrote its owner as an
      // attribute (its input only) is not matched.
      ...(owner === undefined ? {} : { attributes: ownerAttributes(owner) }),
      ...(asked === undefined ? {} : { status: asked as never }),
      ...(page === undefined ? {} : { limit: page, offset }),
      sortDesc: true,
      loadInput: false,
      loadOutput: false,
    });
    const waiting = await stoppedRuns(
      backend.pool,
      workflows.filter((run) => run.status === 'CANCELLED').map((run) => run.workflowID),
    );
    for (const workflow of workflows) {
      // A run started between two pages moves the later ones down: read once.
      if (seen.has(workflow.workflowID)) continue;
      seen.add(workflow.workflowID);
      if (wanted !== undefined && !wanted.includes(reportedStatus(workflow, waiting))) continue;
      if (limit !== undefined && kept.length >= limit) break;
      kept.push({ workflow, waiting });
    }
    if (page === undefined || workflows.length < page || asked === undefined) break;
    offset += page;
  }
  const heads = await headsOf(
    backend,
    kept.map(({ workflow }) => workflow),
  );
  return kept.map(({ workflow, waiting }) =>
    toStatus(workflow, heads.get(workflow.workflowID), waiting),
  );
}
