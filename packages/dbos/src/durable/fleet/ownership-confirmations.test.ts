import { describe, expect, it } from 'vitest';
import {
  confirmationFreshMs,
  createModelCallFence,
  createOwnershipConfirmations,
  MAX_CONFIRMATION_FRESH_MS,
} from './ownership-confirmations.ts';

/** Both clocks, moved by hand. */
function clocks() {
  const time = { mono: 1_000, wall: 1_700_000_000_000 };
  return {
    time,
    now: () => time.mono,
    wallNow: () => time.wall,
    pass(ms: number) {
      time.mono += ms;
      time.wall += ms;
    },
  };
}

describe('createOwnershipConfirmations', () => {
  it('covers the very next step of the run, once, while the confirmation is fresh', () => {
    const clock = clocks();
    const confirmations = createOwnershipConfirmations({ freshMs: 500, ...clock });
    confirmations.confirmed('run-a', 4);
    clock.pass(20);
    expect(confirmations.covers('run-a', 5)).toBe(true);
    // Consumed: a second attempt of the same step (a retry) fences.
    expect(confirmations.covers('run-a', 5)).toBe(false);
  });

  it('does not cover a step with another step between (approval, recv, recorded hook, sleep)', () => {
    const confirmations = createOwnershipConfirmations({ freshMs: 500, ...clocks() });
    confirmations.confirmed('run-a', 4);
    expect(confirmations.covers('run-a', 6)).toBe(false);
    confirmations.confirmed('run-a', 4);
    expect(confirmations.covers('run-a', 4)).toBe(false);
  });

  it("does not cover another run's step", () => {
    const confirmations = createOwnershipConfirmations({ freshMs: 500, ...clocks() });
    confirmations.confirmed('run-a', 4);
    expect(confirmations.covers('run-b', 5)).toBe(false);
    expect(confirmations.covers('run-a', 5)).toBe(true);
  });

  it('a frozen execution (monotonic time passed) fences on thaw', () => {
    const clock = clocks();
    const confirmations = createOwnershipConfirmations({ freshMs: 500, ...clock });
    confirmations.confirmed('run-a', 4);
    clock.pass(500);
    expect(confirmations.covers('run-a', 5)).toBe(false);
  });

  it('a suspended machine (only the wall clock moved) fences too; so does a wall clock set back', () => {
    const clock = clocks();
    const confirmations = createOwnershipConfirmations({ freshMs: 500, ...clock });
    confirmations.confirmed('run-a', 4);
    clock.time.wall += 60_000;
    expect(confirmations.covers('run-a', 5)).toBe(false);
    confirmations.confirmed('run-a', 4);
    clock.time.wall -= 1;
    expect(confirmations.covers('run-a', 5)).toBe(false);
  });

  it('stays bounded: the oldest runs are forgotten (they fence), the newest kept', () => {
    const confirmations = createOwnershipConfirmations({ freshMs: 500, ...clocks() });
    for (let index = 0; index < 5_000; index++) confirmations.confirmed(`run-${index}`, 1);
    expect(confirmations.covers('run-0', 2)).toBe(false);
    expect(confirmations.covers('run-4999', 2)).toBe(true);
  });

  it('trusts a confirmation for half the silence a takeover needs past the last beat, at most 2 s', () => {
    // The defaults: beat every 2 s, dead after 15 s.
    expect(confirmationFreshMs({ heartbeatMs: 2000, deadAfterMs: 15_000 })).toBe(
      MAX_CONFIRMATION_FRESH_MS,
    );
    // The test fixtures' fast takeover: 300 / 3000.
    expect(confirmationFreshMs({ heartbeatMs: 300, deadAfterMs: 3000 })).toBe(1350);
    // No margin: always fence.
    expect(confirmationFreshMs({ heartbeatMs: 3000, deadAfterMs: 3000 })).toBe(0);
    expect(confirmationFreshMs({ heartbeatMs: 5000, deadAfterMs: 3000 })).toBe(0);
    expect(confirmationFreshMs(false)).toBe(MAX_CONFIRMATION_FRESH_MS);
    const confirmations = createOwnershipConfirmations({ freshMs: 0, ...clocks() });
    confirmations.confirmed('run-a', 4);
    expect(confirmations.covers('run-a', 5)).toBe(false);
  });

  it("the model call's fence: skipped on the first attempt right after a confirmed tool step, run on a retry and anywhere else", async () => {
    const ownership = createOwnershipConfirmations({ freshMs: 500, ...clocks() });
    let checks = 0;
    const at = { runId: 'run-a' as string | undefined, stepId: 5 as number | undefined };
    const fence = createModelCallFence({
      ownership,
      check: async () => {
        checks++;
      },
      position: () => at,
    });
    await fence(); // the run's first call: nothing confirmed
    expect(checks).toBe(1);
    ownership.confirmed('run-a', 4); // the tool step 4, recorded here
    await fence(); // step 5's first attempt
    expect(checks).toBe(1);
    await fence(); // step 5's retry
    expect(checks).toBe(2);
    ownership.confirmed('run-a', 4);
    at.stepId = undefined; // outside a step
    await fence();
    expect(checks).toBe(3);
    const lost = new Error('lost the run');
    const failing = createModelCallFence({
      ownership,
      check: async () => {
        throw lost;
      },
      position: () => ({ runId: 'run-a', stepId: 9 }),
    });
    await expect(failing()).rejects.toBe(lost);
  });
});
