import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashWorker, waitFor } from '../../__fixtures__/fleet.ts';
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

let fleet: HoldingFleet;
beforeAll(async () => {
  fleet = await startHoldingFleet('reserved', { script: supportTurns('Order 7 shipped.') });
});
afterAll(async () => {
  await fleet?.close();
});

describe('reserveBudget in a durable run', () => {
  it('keeps the hold across a SIGKILL, and the worker that takes over settles it once', async () => {
    const pool = createPostgresBudgetPool({
      connectionString: fleet.databaseUrl,
      name: 'fleet',
      maxCostUsd: 1,
    });
    try {
      writeFileSync(join(fleet.holdDirectory, 'budget-crash'), '');
      const { runId } = await fleet.runs.start('budgeted', {
        runId: 'budget-crash',
        input: 'Where is order 7?',
      });
      await fleet.killInSlowTool(runId);
      // The run holds its $0.5 while it waits to be taken over (its slow tool waits for the file).
      expect((await pool.read()).reservedUsd).toBe(0.5);
      rmSync(join(fleet.holdDirectory, runId));

      const result = await fleet.runs.result(runId);
      expect(result.text).toBe('Order 7 shipped.');
      // One hold in all (a replay that took a second one would leave $0.5 held), settled with
      // what the run cost.
      expect(await pool.read()).toEqual({
        spentUsd: Number(result.cost.total),
        reservedUsd: 0,
        maxCostUsd: 1,
      });
    } finally {
      await pool.close();
    }
  });
});

describe('reserveBudget: a hold whose step was never recorded', () => {
  // A fleet of its own: the case above leaves one worker, and this one kills another.
  let own: HoldingFleet;
  beforeAll(async () => {
    own = await startHoldingFleet('unrecorded', { script: supportTurns('Order 7 shipped.') });
  });
  afterAll(async () => {
    await own?.close();
  });

  it('a hold committed but never recorded (killed in between) is the one the taker takes: charged once', async () => {
    const pool = createPostgresBudgetPool({
      connectionString: own.databaseUrl,
      name: 'held',
      maxCostUsd: 1,
    });
    const hold = join(own.holdDirectory, 'budget-reserve');
    const reservations = (): string[] =>
      own.counter.lines().filter((line) => line.startsWith('reserved '));
    try {
      writeFileSync(hold, '');
      const { runId } = await own.runs.start('budgetHeld', {
        runId: 'budget-unrecorded',
        input: 'Where is order 7?',
      });
      await waitFor(() => reservations().length === 1, 'the first hold to commit');
      const executorId = (await own.runs.status(runId))?.executorId;
      const owner = own.workers.find((worker) => worker.executorId === executorId);
      if (owner === undefined) throw new Error(`no worker owns ${runId}`);
      await crashWorker(owner);
      // The taker runs the step again and reserves again (held there too), then is let go.
      await waitFor(() => reservations().length === 2, 'the taker to reserve');
      rmSync(hold);

      const result = await own.runs.result(runId);
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
      rmSync(hold, { force: true });
      await pool.close();
    }
  });
});
