import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { describe, expect, it } from 'vitest';
import { RUN_WORKFLOW } from './durable-run-types.ts';
import { toStatus } from './run-states.ts';

// A run whose workflow still has a waiting approval row (the run ended while paused, or a worker
// of another version resumed it into an error) reports its workflow's end, awaiting nothing.
function workflowOf(status: string): WorkflowStatus {
  return {
    workflowID: 'run-1',
    workflowName: RUN_WORKFLOW,
    status,
    executorId: 'worker-1',
    createdAt: 1,
    updatedAt: 2,
  } as unknown as WorkflowStatus;
}

const waiting = { approvals: new Set(['run-1']), parked: new Set<string>() };

describe('toStatus of a run with a waiting approval row', () => {
  it.each(['ERROR', 'SUCCESS', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'])(
    'a run that ended in %s awaits no approval',
    (status) => {
      const reported = toStatus(workflowOf(status), undefined, waiting);
      expect(reported.status).toBe(status);
      expect(reported.awaitingApproval).toBe(false);
    },
  );

  it('a paused run (its workflow CANCELLED by the pause) is PENDING and awaits approval', () => {
    const reported = toStatus(workflowOf('CANCELLED'), undefined, waiting);
    expect(reported).toMatchObject({ status: 'PENDING', awaitingApproval: true });
  });

  it('a run re-enqueued or running after a decision still reports the waiting row', () => {
    expect(toStatus(workflowOf('ENQUEUED'), undefined, waiting).awaitingApproval).toBe(true);
    expect(toStatus(workflowOf('PENDING'), undefined, waiting).awaitingApproval).toBe(true);
  });

  it('a run without a waiting row awaits nothing', () => {
    const none = { approvals: new Set<string>(), parked: new Set<string>() };
    expect(toStatus(workflowOf('CANCELLED'), undefined, none)).toMatchObject({
      status: 'CANCELLED',
      awaitingApproval: false,
    });
  });
});
