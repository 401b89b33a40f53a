import { verifyWebhook } from '@gemloop/core/interactions';
import { readPendingApprovals } from '../approvals/pending-approvals.ts';
import { markCancelled } from '../approvals/run-pauses.ts';
import { interactionIdOf } from '../interactions/interaction-id-of.ts';
import { approveRunCall } from './approve-run-call.ts';
import { checkLimit, checkOptionKeys, checkRunId } from './check-runs-arguments.ts';
import { CHILD_WORKFLOW, childRunsPrefix, type RunAccessOptions } from './durable-run-types.ts';
import type { DurableRuns } from './durable-runs.ts';
import { listRuns } from './list-runs.ts';
import { sendToRun, steerRun } from './message-run.ts';
import { readRunEvents } from './read-run-events.ts';
import {
  checkAccess,
  headOne,
  isOver,
  ownerOf,
  statusesOf,
  statusNameOf,
  statusOf,
  stoppedRuns,
} from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';
import { startRun } from './start-run.ts';
import { waitRunResult } from './wait-run-result.ts';
import { wakeInteraction } from './wake-interaction.ts';

/** The most subagent levels `ownerOf` climbs: far past any tree an agent makes. */
const MAX_TREE_LEVELS = 64;

// Every option of each method, for checkOptionKeys (a misspelt `owner` refused, not ignored).
const ACCESS = { owner: true } as const satisfies Record<keyof RunAccessOptions, true>;
const LIMIT = { limit: true } as const;

/** How many child runs `childRuns()` lists by default. */
const DEFAULT_LISTED_CHILD_RUNS = 100;

/** @internal */
export function createRunsApi(backend: RunsBackend): DurableRuns {
  const runs: DurableRuns = {
    start: (agent, options) => startRun(backend, agent, options),
    result: (runId, options = {}) => waitRunResult(backend, runId, options),
    async status(runId) {
      checkRunId(runId);
      return statusOf(backend, runId);
    },
    async ownerOf(runId) {
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
    },
    events: (runId, options = {}) => readRunEvents(backend, runId, options),
    async pendingApprovals(runId, options = {}) {
      checkOptionKeys(options, ACCESS, 'runs.pendingApprovals()');
      const { owner } = options;
      checkRunId(runId);
      await checkAccess(backend, runId, 'status', owner);
      const calls = await readPendingApprovals(backend, runId);
      // The list is an event the run publishes, and a run cancelled while it waited (or one that
      // failed) never publishes it again: its calls stayed listed, though approve() refuses them.
      if (calls.length > 0 && isOver(await statusNameOf(backend, runId))) return [];
      return calls;
    },
    approve: (runId, callId, decision, options = {}) =>
      approveRunCall(backend, runId, callId, decision, options),
    steer: (runId, message, options) => steerRun(backend, runId, message, options),
    send: (runId, topic, value, options) => sendToRun(backend, runId, topic, value, options),
    wakeInteraction: (interactionId) => wakeInteraction(backend, interactionId),
    async handleWebhook(delivery) {
      const { id, event } = await verifyWebhook(delivery);
      const interactionId = interactionIdOf(event);
      const runIds =
        event.type.startsWith('interaction.') && interactionId !== undefined
          ? (await runs.wakeInteraction(interactionId)).runIds
          : [];
      return { webhookId: id, event, runIds };
    },
    async cancel(runId, options = {}) {
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
    },
    list: (options = {}) => listRuns(backend, options),
    async childRuns(runId, options = {}) {
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
    },
    close: () => backend.close(),
  };
  return runs;
}
