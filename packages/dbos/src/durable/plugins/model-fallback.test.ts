import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HoldingFleet,
  startHoldingFleet,
  supportTurns,
} from '../../__fixtures__/holding-fleet.ts';

// modelFallback in a durable run: the fake answers 503 to gemini-3-flash-preview once the run sends
// function responses, and refuses a thought signature sent to a model that did not make it. The
// run falls back to gemini-3-pro-preview, its worker is killed in the tool that follows, and
// another worker finishes it on the second model without sending a completed model call again.

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';

let fleet: HoldingFleet;
beforeAll(async () => {
  fleet = await startHoldingFleet('fallback', {
    script: supportTurns('Order 7 shipped.'),
    faults: [
      {
        fault: { type: 'overloaded' },
        on: ({ model, body }) =>
          model === PRIMARY && JSON.stringify(body).includes('"functionResponse"'),
      },
    ],
  });
});
afterAll(async () => {
  await fleet?.close();
});

describe('modelFallback in a durable run', () => {
  it('falls back, survives a SIGKILL after the switch, and finishes on the second model', async () => {
    writeFileSync(join(fleet.holdDirectory, 'fallback-crash'), '');
    const { runId } = await fleet.runs.start('fallback', {
      runId: 'fallback-crash',
      input: 'Where is order 7?',
    });
    await fleet.killInSlowTool(runId);
    rmSync(join(fleet.holdDirectory, runId));

    const result = await fleet.runs.result(runId);
    expect(result.text).toBe('Order 7 shipped.');
    expect(result.steps.map((step) => step.model)).toEqual([undefined, SECOND, SECOND]);
    // Each step priced at the model that served it.
    expect(Number(result.steps[2]?.cost.total)).toBeGreaterThan(0);
    // The calls the fake saw: step 1 on the first model, its 503, then the second model for
    // steps 2 and 3; the worker that took over sent no completed call again.
    expect(fleet.fake.modelRequests.map((request) => request.model)).toEqual([
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
    ]);
  });
});
