import { DBOS } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import { claimRunsToResume } from '../approvals/run-pauses.ts';
import { claimDueInteractionWaits } from '../interactions/interaction-waits.ts';

/**
 * Resumes the paused runs whose approval timed out, to deny the call, and the runs whose resume
 * never came (a process died in between), every `sweepMs`; so too the runs stopped to wait on an
 * interaction's webhook whose fallback poll is due (sent their wake-up first, as a webhook
 * would). Each is claimed once, by one worker.
 * `stop()` ends the timer and waits for the sweep under way.
 * @internal
 */
export function startApprovalSweep({
  pool,
  resume,
  wake,
  sweepMs: approvalSweepMs,
}: {
  pool: pg.Pool;
  /** Resumes a run (the worker's DBOS client, on the runs queue). */
  resume: (runId: string) => Promise<void>;
  /** Sends a stopped run its wake-up message (`DBOS.send`, keyed by `key`). */
  wake: (runId: string, interactionId: string, key: string) => Promise<void>;
  sweepMs: number;
}): { stop(): Promise<void> } {
  let sweeping: Promise<void> = Promise.resolve();
  const sweepTimer = setInterval(() => {
    sweeping = sweeping
      .then(async () => {
        for (const runId of await claimRunsToResume(pool, { staleMs: 2 * approvalSweepMs }))
          await resume(runId);
        const due = await claimDueInteractionWaits(pool, { staleMs: 2 * approvalSweepMs });
        for (const { runId, interactionId, wakeAt } of due) {
          // Keyed by the wait: a sweep that dies after the send sends it once when it runs again.
          await wake(runId, interactionId, `wake:${interactionId}:${runId}:${wakeAt}`);
          await resume(runId);
        }
      })
      .catch((error: unknown) =>
        DBOS.logger.warn(
          `gemloop approvals: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }, approvalSweepMs);
  sweepTimer.unref();
  return {
    async stop() {
      clearInterval(sweepTimer);
      await sweeping;
    },
  };
}
