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
  const hooks = [recorded, error.expectedName].map(pluginStep);
  // A recorded plugin hook or a read of messages on either side: the agent's plugins changed (a
  // third party's plugin reordered, added or removed by a deploy between the crash and the
  // recovery), which DBOS's own message ("Check that your workflow is deterministic") does not
  // say (attack45a).
  // A read of messages facing a step that is no plugin hook: as likely another gemloop version
  // (one that reads the run's steering at another place) as a plugin; a d5ff9c8 run resumed on
  // this version was told only "the agent's plugins" (attack48b).
  const readOnly =
    !error.expectedName.startsWith('gemloop.plugin:') &&
    !recorded.startsWith('gemloop.plugin:') &&
    [recorded, error.expectedName].includes('DBOS.recv');
  const why = readOnly
    ? "The run was recorded by other code: another version of gemloop (whose steps differ; let such runs end before the upgrade, or give this version's workers another `applicationVersion`), or the agent's plugins changed (a plugin that reads messages with `run.receive` added or removed: deploy such a change with another `applicationVersion`, or once the runs in flight have ended)"
    : hooks.some((hook) => hook !== undefined)
      ? "The agent's plugins are not the ones the run was recorded with (its recorded plugins listed in another order, one added or removed, a hook added to or removed from a plugin's `recorded`, or a plugin that reads messages with `run.receive` added or removed): deploy such a change with another `applicationVersion`, or once the runs in flight have ended"
      : 'The run was recorded by other code (another version of the worker, or agents defined differently)';
  return new DurableReplayMismatchError({
    message: `Run "${error.workflowID}" was replayed onto a different step: its step ${error.stepID} is recorded as ${hooks[0] ?? recorded}, and this execution reached ${hooks[1] ?? error.expectedName} there. ${why}; it ends here instead of handing one call's recorded result to another.`,
    runId: error.workflowID,
    stepId: error.stepID,
    expectedStep: error.expectedName,
    recordedStep: recorded,
    cause: error,
  });
}

/**
 * A recorded plugin hook's step name (`gemloop.` and core's `recordName`:
 * `plugin:<plugin>:<hook>:<step>[:<callId>]`), or a read of the run's messages, told as the
 * plugin author knows it, or `undefined` for another step. The hook is a word with an optional `.after<n>` (a wrapper's later part), so
 * a plugin name holding `:` still reads whole.
 */
function pluginStep(name: string): string | undefined {
  // DBOS's own name of a message read (`DBOS.recv`, durable-run-messages.ts).
  if (name === 'DBOS.recv')
    return "a read of the run's messages (DBOS.recv: a plugin's run.receive, or steering)";
  const match = /^gemloop\.plugin:(.+?):([A-Za-z]+(?:\.after\d*)?):(\d+)(?::.*)?$/s.exec(name);
  if (match === null) return undefined;
  const [, plugin, hook, step] = match;
  return `plugin "${plugin}"'s recorded ${hook} (agent step ${step}; step name ${name})`;
}
