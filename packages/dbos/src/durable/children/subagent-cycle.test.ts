import { turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashWorker } from '../../__fixtures__/fleet.ts';
import { type HoldingFleet, startHoldingFleet } from '../../__fixtures__/holding-fleet.ts';
import { DurableRunError } from '../../index.ts';

// A cycle of agents in a durable run (worker.ts `cycle`, maxDepth 3): the lead asks its helper
// subagent, the helper hands the run back to the lead, which asks its helper again. In-process,
// `maxDepth` ends such a tree with a SubagentError (core's subagent-cycle.attacks.test.ts); a
// durable tree must end the same, its child workflows with it. The helper's hand-off was refused
// in a durable run (UnknownHandoffAgentError: the worker did not look for receivers in its
// subagents' agents), which the model got as the helper's failure, and asked again, step after step.

const MESSAGE =
  'The subagent helper would start 4 levels deep (helper#1 > helper#1 > helper#1 > helper#1), past its maxDepth of 3';

/** The helper's model call the fake holds until the test lets go (counted from 1), if any. */
let hold: { at: number; reached: () => void; release: Promise<void> } | undefined;
let helperCalls = 0;

let fleet: HoldingFleet;

beforeAll(async () => {
  fleet = await startHoldingFleet('cycle', {
    script: async (request) => {
      const body = request.body as { systemInstruction?: { parts?: { text?: string }[] } };
      const instruction = body.systemInstruction?.parts?.[0]?.text ?? '';
      if (!instruction.startsWith('CYCLE HELP')) return turn.call('helper', { task: 'help' });
      helperCalls += 1;
      if (helperCalls === hold?.at) {
        hold.reached();
        await hold.release;
      }
      return turn.call('transfer_to_lead', {});
    },
  });
});

afterAll(async () => {
  await fleet?.close();
});

/** The workflows whose id starts with `prefix`, as `id status`. */
async function workflowsUnder(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: fleet.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ workflow_uuid: string; status: string }>(
      'SELECT workflow_uuid, status FROM dbos.workflow_status WHERE workflow_uuid LIKE $1 ORDER BY workflow_uuid',
      [`${prefix}%`],
    );
    return rows.map((row) => `${row.workflow_uuid} ${row.status}`);
  } finally {
    await client.end();
  }
}

/** The run's error, checked to be the durable copy of the tree's SubagentError. */
async function cycleError(runId: string): Promise<Error> {
  const error = await fleet.runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(DurableRunError.isInstance(error)).toBe(true);
  const cause = (error as Error).cause as Error;
  expect(cause.name).toBe('SubagentError');
  expect(cause.message).toContain(MESSAGE);
  expect(cause.message).toContain('Break the cycle');
  return cause;
}

/** Whether every workflow of the run has ended, and how many there are. */
async function ended(runId: string): Promise<string[]> {
  const rows = await workflowsUnder(`${runId}`);
  for (const row of rows) expect(row).toMatch(/ ERROR$/);
  return rows.map((row) => row.split(' ')[0] as string);
}

describe('a cycle of agents in a durable run', () => {
  it('ends at maxDepth with the SubagentError of an in-process run, and its child workflows stop', async () => {
    const before = fleet.fake.modelRequests.length;
    const { runId } = await fleet.runs.start('cycle', { runId: 'cycle-run', input: 'Help me.' });
    await cycleError(runId);
    // As in-process: two model calls a level (the lead's call of its helper, the helper's
    // hand-off), one for the top run, then none.
    expect(fleet.fake.modelRequests.length - before).toBe(7);
    // One child workflow (the first level; the deeper ones run inside it, the hand-off's copy of
    // the lead being no agent of the worker's tree), both ended: nothing left to run on.
    const workflows = await ended(runId);
    expect(workflows).toHaveLength(2);
    expect(workflows[1]).toMatch(/^cycle-run\/1\.0:/);
  }, 180_000);

  it('ends with the same error after a SIGKILL inside the child workflow', async () => {
    let reached = (): void => {};
    let release = (): void => {};
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // The second level's helper call: inside the first level's child workflow, after its hand-off.
    hold = {
      at: helperCalls + 2,
      reached,
      release: new Promise<void>((resolve) => {
        release = resolve;
      }),
    };
    const before = fleet.fake.modelRequests.length;
    const { runId } = await fleet.runs.start('cycle', { runId: 'cycle-kill', input: 'Help me.' });
    await arrived;
    // The child workflow runs in its parent's worker (DBOS.startWorkflow from inside the parent's
    // workflow, durable-children.ts), so the top run's owner is the one holding the call.
    const executorId = (await fleet.runs.status(runId))?.executorId;
    const victim = fleet.workers.find((worker) => worker.executorId === executorId);
    expect(victim).toBeDefined();
    await crashWorker(victim as (typeof fleet.workers)[number]);
    release();
    await cycleError(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(executorId);
    // The calls recorded before the kill (the top run's, the child's helper's, its lead's after
    // the hand-off) are not sent again; the held one, whose answer never came, is, and the
    // rest of the tree after it, to the same end.
    const killer = (executor: string | undefined) => (executor === executorId ? 'victim' : 'other');
    expect(
      fleet.fake.modelRequests.slice(before).map((request) => {
        const body = request.body as { systemInstruction?: { parts?: { text?: string }[] } };
        const agent = body.systemInstruction?.parts?.[0]?.text?.startsWith('CYCLE HELP')
          ? 'help'
          : 'lead';
        return `${killer(request.headers?.['x-test-worker'])} ${agent}`;
      }),
    ).toEqual([
      'victim lead',
      'victim help',
      'victim lead',
      'victim help',
      'other help',
      'other lead',
      'other help',
      'other lead',
    ]);
    const workflows = await ended(runId);
    expect(workflows).toHaveLength(2);
  }, 180_000);
});
