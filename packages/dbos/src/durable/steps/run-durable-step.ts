import { DBOS } from '@dbos-inc/dbos-sdk';
import { toReplayMismatch } from './replay-mismatch.ts';

/**
 * `DBOS.runStep` for every step gemloop records: a replay that meets another step than this one
 * (the worker's code or agents changed between the crash and the recovery) ends the run with
 * `DurableReplayMismatchError` naming both steps, not DBOS's untyped `DBOSUnexpectedStepError`
 * ("Check that your workflow is deterministic"). Before, only the model, tool and plugin steps
 * turned it (attack45a); approvals, interaction waits, batch polls, unprepared children, Live
 * tools and the run's own `gemloop.events` let DBOS's error out. Every other error is thrown as
 * it is. DBOS's other numbered operations (events, sleeps, stream writes, a wake-up's `recv`, a
 * child's start) are wrapped the same way in `durable-operations.ts`.
 *
 * DBOS takes the step's id when `runStep` is called, so this calls it synchronously (no `await`
 * before it): steps started in a row keep their ids in call order.
 * @internal
 */
export function runDurableStep<T>(body: () => Promise<T>, options: { name: string }): Promise<T> {
  return DBOS.runStep(body, options).catch((error: unknown) => {
    throw toReplayMismatch(error);
  });
}
