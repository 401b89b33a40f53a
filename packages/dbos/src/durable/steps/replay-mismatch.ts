import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { DurableReplayMismatchError } from '../../errors/durable-replay-mismatch-error.ts';

/**
 * DBOS's "another step was recorded here" (`DBOSUnexpectedStepError`, thrown by `DBOS.runStep`
 * of `@dbos-inc/dbos-sdk` 5.3 when the recorded function name at the step's id differs:
 * `callStepFunction`, `dist/src/dbos-executor.js`) as gemloop's typed error; anything else as it
 * is. DBOS's error does not keep the recorded name as a field: it is read from its message.
 * @internal
 */
export function toReplayMismatch(error: unknown): unknown {
  if (!(error instanceof DBOSErrors.DBOSUnexpectedStepError)) return error;
  const recorded = /function (.*) was recorded when /s.exec(error.message)?.[1] ?? '?';
  return new DurableReplayMismatchError({
    message: `Run "${error.workflowID}" was replayed onto a different step: its step ${error.stepID} is recorded as ${recorded}, and this execution reached ${error.expectedName} there. The run was recorded by other code (another version of the worker, or agents defined differently); it ends here instead of handing one call's recorded result to another.`,
    runId: error.workflowID,
    stepId: error.stepID,
    expectedStep: error.expectedName,
    recordedStep: recorded,
    cause: error,
  });
}
