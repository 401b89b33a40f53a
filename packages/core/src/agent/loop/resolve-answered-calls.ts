import type { Cost } from '../../models/cost.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import type { StopCondition } from '../stop-conditions.ts';
import type { ToolCallsResult } from '../tool-calls/execute-tool-calls.ts';
import type { ModelStepKind, NextStep } from './next-step.ts';

/**
 * What follows a step whose calls were answered, asked once the step has ended (so `onStepEnd`
 * and the stop conditions see it): the run fails when its signal was aborted meanwhile
 * (`phase: 'tool-calls'`) or a call failed it (`toolErrors: 'throw'`, a failing
 * `beforeToolCall`); it finishes when a `stopWhen` condition holds (one that throws fails it) or
 * no step is left; otherwise the model answers the responses.
 *
 * `resumed`: the calls were the ones the input history ended with, not a model step of this run,
 * so neither the stop conditions nor the step limit are asked.
 * @internal
 */
export function resolveAnsweredCalls<Output>(
  config: AgentConfig<Output>,
  calls: ToolCallsResult,
  {
    signal,
    steps,
    cost,
    runStopWhen,
    kind,
    stepsLeft,
    resumed,
  }: {
    signal: AbortSignal;
    steps: readonly AgentStep[];
    /** The run's cost so far, for the conditions (read only when there is one). */
    cost: { readonly total: Cost };
    /** The run's own conditions (`RunOptions.stopWhen`), after the agent's. */
    runStopWhen: readonly StopCondition[];
    kind: ModelStepKind;
    stepsLeft: boolean;
    resumed: boolean;
  },
): NextStep<Output> {
  if (calls.aborted) {
    const cause = signal.reason;
    return {
      type: 'fail',
      error: (run) => new AgentAbortedError({ phase: 'tool-calls', run, cause }),
    };
  }
  if (calls.failure !== undefined) return { type: 'fail', error: calls.failure };
  if (!resumed) {
    try {
      let spent: Cost | undefined;
      for (const conditions of [config.stopWhen, runStopWhen]) {
        for (const condition of conditions) {
          spent ??= cost.total;
          if (condition({ steps, cost: spent })) {
            return { type: 'finish', finishReason: 'stop-condition' };
          }
        }
      }
    } catch (thrown) {
      const error = config.redact(thrown);
      return {
        type: 'fail',
        error: (run) =>
          new AgentRunError({
            message: `A stopWhen condition threw after step ${steps.length}: ${describeThrown(error)}`,
            run,
            cause: error,
          }),
      };
    }
    if (!stepsLeft) return { type: 'finish', finishReason: 'max-steps' };
  }
  return { type: 'run-again', kind, reasks: 0 };
}
