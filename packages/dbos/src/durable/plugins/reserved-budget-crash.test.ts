import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HoldingFleet,
  startHoldingFleet,
  supportTurns,
} from '../../__fixtures__/holding-fleet.ts';
import { createPostgresBudgetPool } from '../../budget/create-postgres-budget-pool.ts';

// reserveBudget in a durable run: the hold taken before the first call is recorded with the run
// (startRun is a recorded hook), so the worker that takes a killed run over keeps that hold
// instead of taking a second one, and settles it, once, with what the run cost.

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
