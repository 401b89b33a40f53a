import type { AgentResult } from '@gemloop/core';
import { agentTurnsOf, type ChildRunStart, childBudgetStop } from '@gemloop/core/internal';
import { BUDGET_STOP_PROPERTY } from '../../errors/typed-stored-error.ts';
import { RunPausedSignal } from '../approvals/approvals.ts';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';
import { toJsonSafe } from '../steps/to-json-safe.ts';
import { childErrorForParent, storedChildError } from './stored-child-error.ts';

/**
 * A subagent call the worker did not prepare a child workflow for (a subagent of an agent a run
 * was handed to, whose tools the worker did not walk), run as one step of the run,
 * `gemloop.subagent:<tool>@<step>.<index>`, as before child workflows. Its result is recorded
 * as it came. When it fails, DBOS records what the step throws in `dbos.operation_outputs`: the
 * copy `storedChildError` makes (without the run's keys, URLs, passwords and addresses, its
 * class's name kept), never the raw error (redact41: a subagent's driver message sat there
 * whole); a tree-budget stop rides on it as plain data. The caller gets the same error on the
 * first run and on a replay (`childErrorForParent`: a `SubagentError` or `TreeBudgetError`
 * again when it was one). `keys` is asked only when the child failed.
 * @internal
 */
export async function unpreparedChild(
  start: ChildRunStart,
  keys: () => readonly string[],
): Promise<AgentResult<unknown>> {
  try {
    return (await runDurableStep(
      async () => {
        try {
          return toJsonSafe(
            await agentTurnsOf(start.agent as never).child(
              start.input,
              start.options,
              start.parent,
            ),
          );
        } catch (error) {
          // The run is ending (cancelled, paused for an approval): no failure to record, and
          // DBOS does not record its own cancellation of the run.
          if (isDurableRunEnding(error) || error instanceof RunPausedSignal) throw error;
          const stored = storedChildError(error, keys());
          const stop = childBudgetStop(error);
          // Enumerable, so DBOS records it with the error (serialize-error keeps own
          // enumerable properties: @dbos-inc/dbos-sdk dist/src/serialization.js).
          if (stop !== undefined) {
            (stored as unknown as Record<string, unknown>)[BUDGET_STOP_PROPERTY] = toJsonSafe(stop);
          }
          throw stored;
        }
      },
      {
        name: `gemloop.subagent:${start.call.toolName}@${start.call.step}.${start.call.callIndex}`,
      },
    )) as AgentResult<unknown>;
  } catch (error) {
    throw childErrorForParent(error);
  }
}
