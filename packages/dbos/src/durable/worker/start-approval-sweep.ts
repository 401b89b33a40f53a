import { DBOS } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import { claimRunsToResume } from '../run-pauses.ts';

/**
 * Resumes the paused runs whose approval timed out, to deny the call, and the runs whose resume
 * never came (a process died in between), every `sweepMs`. Each is claimed once, by one worker.
 * `stop()` ends the timer and waits for the sweep under way.
 * @internal
 */
export function startApprovalSweep({
  pool,
  resume,
  sweepMs: approvalSweepMs,
}: {
  pool: pg.Pool;
  /** Resumes a run (the worker's DBOS client, on the runs queue). */
  resume: (runId: string) => Promise<void>;
  sweepMs: number;
}): { stop(): Promise<void> } {
  let sweeping: Promise<void> = Promise.resolve();
  const sweepTimer = setInterval(() => {
    sweeping = sweeping
      .then(async () => {
        for (const runId of await claimRunsToResume(pool, { staleMs: 2 * approvalSweepMs }))
          await resume(runId);
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
