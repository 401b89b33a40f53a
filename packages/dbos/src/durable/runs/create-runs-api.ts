import { verifyWebhook } from '@gemloop/core/interactions';
import { readPendingApprovals } from '../approvals/pending-approvals.ts';
import { interactionIdOf } from '../interactions/interaction-id-of.ts';
import { approveRunCall } from './approve-run-call.ts';
import { checkOptionKeys, checkRunId } from './check-runs-arguments.ts';
import type { RunAccessOptions } from './durable-run-types.ts';
import type { DurableRuns } from './durable-runs.ts';
import { listRuns } from './list-runs.ts';
import { sendToRun, steerRun } from './message-run.ts';
import { readRunEvents } from './read-run-events.ts';
import { checkAccess, isOver, statusNameOf, statusOf } from './run-states.ts';
import { cancelRun, listChildRuns, topOwnerOf } from './run-tree.ts';
import type { RunsBackend } from './runs-backend.ts';
import { startRun } from './start-run.ts';
import { waitRunResult } from './wait-run-result.ts';
import { wakeInteraction } from './wake-interaction.ts';

// The options of `pendingApprovals()`, for checkOptionKeys (a misspelt `owner` refused, not ignored).
const ACCESS = { owner: true } as const satisfies Record<keyof RunAccessOptions, true>;

/**
 * The durable runs API over `backend` (a client's or a launched worker's DBOS), each method in
 * its own file. @internal
 */
export function createRunsApi(backend: RunsBackend): DurableRuns {
  const runs: DurableRuns = {
    start: (agent, options) => startRun(backend, agent, options),
    result: (runId, options = {}) => waitRunResult(backend, runId, options),
    async status(runId) {
      checkRunId(runId);
      return statusOf(backend, runId);
    },
    ownerOf: (runId) => topOwnerOf(backend, runId),
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
    cancel: (runId, options = {}) => cancelRun(backend, runId, options),
    list: (options = {}) => listRuns(backend, options),
    childRuns: (runId, options = {}) => listChildRuns(backend, runId, options),
    close: () => backend.close(),
  };
  return runs;
}
