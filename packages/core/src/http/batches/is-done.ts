import type { BatchJob } from '../../wire/batch.ts';

/** Both spellings: the API's `BATCH_STATE_*` and `@google/genai`'s `JOB_STATE_*`. */
const DONE_STATES = /^(?:BATCH|JOB)_STATE_(?:SUCCEEDED|FAILED|CANCELLED|EXPIRED)$/;

/**
 * Whether a batch job is finished, by its state or the operation's `done`.
 * @internal
 */
export function isDone(job: BatchJob): boolean {
  const state = job.metadata?.state;
  return job.done === true || (state !== undefined && DONE_STATES.test(state));
}
