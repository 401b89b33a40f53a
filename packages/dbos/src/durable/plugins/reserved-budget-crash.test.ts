import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashWorker, startWorker, type WorkerProcess, waitFor } from '../../__fixtures__/fleet.ts';
import {
  type HoldingFleet,
  startHoldingFleet,
  supportTurns,
} from '../../__fixtures__/holding-fleet.ts';
import { createPostgresBudgetPool } from '../../budget/create-postgres-budget-pool.ts';

// reserveBudget in a durable run: the hold taken before the first call is recorded with the run
// (startRun is a recorded hook), so the worker that takes a killed run over keeps that hold
// instead of taking a second one, and settles it, once, with what the run cost. A hold that
// committed but whose step the run never recorded (the worker killed in between, or frozen and
// taken over: DBOS refuses its record, `#checkOwner`) is the one the next execution takes too.

// Both tests' runs are in flight together on the one worker the file starts with (the first held
// in its slow tool, the second just after its hold committed), and one kill ends both
// (killedTogether); each test reads its own pool and run. One fleet, one kill and two starts
// instead of two fleets (databases, fakes), two kills and four starts (bench/RESULTS.md, helper
// speed-dbos51b).

let fleet: HoldingFleet;
beforeAll(async () => {
  fleet = await startHoldingFleet(
    'reserved',
    { script: supportTurns('Order 7 shipped.') },
    { workers: 1 },
  );
});
afterAll(async () => {
  await fleet?.close();
});

/** The runs: the `fleet` pool's held in its slow tool, the `held` pool's after its hold committed. */
const RUNS = {
  kept: { agent: 'budgeted', runId: 'budget-crash', hold: 'budget-crash' },
  unrecorded: { agent: 'budgetHeld', runId: 'budget-unrecorded', hold: 'budget-reserve' },
} as const;

/** The `budgetHeld` runs' reservations, as the counter file has them (`reserved <id>`). */
const reservations = (): string[] =>
  fleet.counter.lines().filter((line) => line.startsWith('reserved '));

let together: Promise<WorkerProcess> | undefined;

/**
 * Starts both runs, each held (their holds stay: each test lets its own go), waits until the first
 * is in its slow tool and the second's hold has committed, starts the worker that takes them over
 * and SIGKILLs the one that ran them, telling the fleet at once (crashWorker). Once for both
 * tests, whichever runs first.
 */
function killedTogether(): Promise<WorkerProcess> {
  together ??= (async () => {
    for (const { agent, runId, hold } of Object.values(RUNS)) {
      writeFileSync(join(fleet.holdDirectory, hold), '');
      await fleet.runs.start(agent, { runId, input: 'Where is order 7?' });
    }
    await waitFor(
      () => fleet.counter.count(`start slow ${RUNS.kept.runId}:`) === 1,
      'the slow tool to start',
    );
    await waitFor(() => reservations().length === 1, 'the first hold to commit');
    const owners = new Set<string | undefined>();
    for (const { runId } of Object.values(RUNS))
      owners.add((await fleet.runs.status(runId))?.executorId);
    const victim = fleet.workers.find((worker) => owners.has(worker.executorId));
    expect([...owners]).toEqual([victim?.executorId]);
    fleet.workers.push(await startWorker({ ...fleet.env, EXECUTOR_ID: 'reserved-worker-1' }));
    await crashWorker(victim as WorkerProcess);
    return victim as WorkerProcess;
  })();
  return together;
}

describe('reserveBudget in a durable run', () => {
  it('keeps the hold across a SIGKILL, and the worker that takes over settles it once', async () => {
    const pool = createPostgresBudgetPool({
      connectionString: fleet.databaseUrl,
      name: 'fleet',
      maxCostUsd: 1,
    });
    const { runId, hold } = RUNS.kept;
    try {
      const victim = await killedTogether();
      // The run holds its $0.5 while it waits to be taken over (its slow tool waits for the file).
      expect((await pool.read()).reservedUsd).toBe(0.5);
      rmSync(join(fleet.holdDirectory, hold));

      const result = await fleet.runs.result(runId);
      expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
      expect(result.text).toBe('Order 7 shipped.');
      // One hold in all (a replay that took a second one would leave $0.5 held), settled with
      // what the run cost.
      expect(await pool.read()).toEqual({
        spentUsd: Number(result.cost.total),
        reservedUsd: 0,
        maxCostUsd: 1,
      });
    } finally {
      rmSync(join(fleet.holdDirectory, hold), { force: true });
      await pool.close();
    }
  });
});

describe('reserveBudget: a hold whose step was never recorded', () => {
  it('a hold committed but never recorded (killed in between) is the one the taker takes: charged once', async () => {
    const pool = createPostgresBudgetPool({
      connectionString: fleet.databaseUrl,
      name: 'held',
      maxCostUsd: 1,
    });
    const { runId, hold } = RUNS.unrecorded;
    try {
      const victim = await killedTogether();
      // The taker runs the step again and reserves again (held there too), then is let go.
      await waitFor(() => reservations().length === 2, 'the taker to reserve');
      rmSync(join(fleet.holdDirectory, hold));

      const result = await fleet.runs.result(runId);
      expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
      expect(result.text).toBe('Order 7 shipped.');
      // One hold, settled once. With a random id each, the first stayed held ($0.5) and counted
      // as spent in full when its lease ended: the run charged twice.
      expect(await pool.read()).toEqual({
        spentUsd: Number(result.cost.total),
        reservedUsd: 0,
        maxCostUsd: 1,
      });
      const [first, second] = reservations();
      expect(second).toBe(first);
    } finally {
      rmSync(join(fleet.holdDirectory, hold), { force: true });
      await pool.close();
    }
  });
});
