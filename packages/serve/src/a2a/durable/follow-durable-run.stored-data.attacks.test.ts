import { type Task, TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus } from '@a2a-js/sdk/server';
import type { AgentEvent } from '@gemloop/core';
import { GemloopError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import type { A2ADurableRuns } from './durable-a2a-runs.ts';
import { type FollowedRun, followDurableRun } from './follow-durable-run.ts';

// leftovers76: a durable run whose stored rows are not what gemloop wrote (a hand edit, a row cut
// short): `@gemloop/dbos` refuses them with DurableRunDataError (code `durable-run-data`). The
// follower took that for a lost read, which a resubscribe reads again, and published nothing: the
// task stayed `working` for ever, though every read of those rows fails the same way.

/** `@gemloop/dbos`'s DurableRunDataError by its code (serve does not depend on dbos). */
class StoredRowError extends GemloopError {
  override readonly code: string = 'durable-run-data';
}
const SECRET = 'sk-row-contents-0123456789';
const refusal = () =>
  new StoredRowError({
    message: `Durable run "t1" cannot be read: entry 1 of its event stream is not JSON (${SECRET}).`,
  });

const text = { type: 'text-delta', path: [], text: 'Hal' } as unknown as AgentEvent;
const call = {
  type: 'tool-call',
  path: [],
  stepNumber: 0,
  toolCallId: 'c1',
  toolName: 'refund',
  args: {},
} as unknown as AgentEvent;

function runs(overrides: Partial<A2ADurableRuns>): A2ADurableRuns {
  return {
    start: async () => ({ runId: 't1' }),
    async *events() {
      yield { offset: 0, event: text };
    },
    status: async () => ({ status: 'SUCCESS' }),
    result: async () => ({ text: 'Hal' }),
    cancel: async () => {},
    ...overrides,
  };
}

async function follow(durable: A2ADurableRuns) {
  const published: unknown[] = [];
  const bus = {
    publish: (event: unknown) => published.push(event),
  } as unknown as ExecutionEventBus;
  const errors: unknown[] = [];
  const following = new Map<string, FollowedRun>();
  await followDurableRun({
    runs: durable,
    following,
    onError: (error) => errors.push(error),
    task: { id: 't1', contextId: 'ctx' } as Task,
    owner: 'alice',
    bus,
  });
  const statuses = published.flatMap((event) => {
    const { kind, data } = event as { kind?: string; data?: { status?: { state: TaskState } } };
    return kind === 'statusUpdate' && data?.status !== undefined ? [data.status] : [];
  });
  return { published, statuses, errors, following };
}

describe('followDurableRun: a stored row gemloop did not write', () => {
  it.each([
    [
      'an entry of its event stream',
      runs({
        async *events() {
          yield { offset: 0, event: text };
          throw refusal();
        },
      }),
    ],
    [
      'its stored result, of a run with no run-end read',
      runs({
        result: async () => {
          throw refusal();
        },
      }),
    ],
    [
      'its list of calls waiting for approval',
      runs({
        async *events() {
          yield { offset: 0, event: call };
        },
        pendingApprovals: async () => {
          throw refusal();
        },
      }),
    ],
  ])('%s: the task fails once, with fixed words, never the row', async (_label, durable) => {
    const { published, statuses, errors, following } = await follow(durable);
    expect(statuses.map((status) => status.state)).toEqual([TaskState.TASK_STATE_FAILED]);
    const shown = JSON.stringify(published);
    expect(shown).toContain("The run's stored data could not be read.");
    expect(shown).toContain('durable-run-data');
    expect(shown).not.toContain(SECRET);
    expect(errors).toHaveLength(1);
    expect(following.size).toBe(0);
  });

  it('a read that failed otherwise (the database away) still leaves the task for a resubscribe', async () => {
    const { statuses, errors } = await follow(
      runs({
        async *events() {
          yield { offset: 0, event: text };
          throw new Error('connection terminated');
        },
      }),
    );
    expect(statuses).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});
