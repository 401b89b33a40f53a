import { isLevelEnabled } from '../../logging/logger.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import { reaskRetraction } from '../../run/reask-retraction.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import type { RunContext } from '../run-state/run-context.ts';

/**
 * Ends a step, once its content, note and function responses are in the history: records it
 * (the run's steps, the observers, the debug log, the `step-end` event) and waits for
 * `onStepEnd`. Every step ends here, whatever follows it; an error that ends the run is built
 * afterwards, so its history holds the step.
 *
 * @returns a promise only when there is an `onStepEnd` to wait for.
 * @throws {@link AgentRunError} (rejects) when `onStepEnd` throws, with the history.
 * @internal
 */
export function endStep<Output>(
  context: RunContext<Output>,
  step: AgentStep,
): Promise<void> | undefined {
  const { config, run, emit, observation } = context;
  rollUpChildren(context, step);
  run.steps.push(step);
  const budget = context.link.budget;
  if (budget !== undefined) {
    // Its tokens were counted by the call that made it (recordStep). The unit its check held
    // becomes the count in one go: no other run of the tree sees the step twice or not at all.
    if (step.kind !== 'resume') budget.steps++;
    budget.held.delete(run);
  }
  observation?.stepEnd(step);
  const logger = config.logger;
  if (isLevelEnabled(logger, 'debug')) {
    logger.debug(
      {
        stepNumber: step.stepNumber,
        kind: step.kind,
        finishReason: step.finishReason,
        toolCalls: step.toolCalls.length,
        usage: step.usage,
      },
      'step ended',
    );
  }
  // An answer the model is asked again for is not the run's: a reader that showed its text takes
  // it back (attack51).
  const retraction = reaskRetraction(step);
  if (retraction !== undefined) emit?.(retraction);
  emit?.({ type: 'step-end', step });
  const onStepEnd = config.onStepEnd;
  if (onStepEnd === undefined) return undefined;
  return (async () => {
    try {
      await onStepEnd(step, { steps: run.steps, contents: run.contents });
    } catch (thrown) {
      const error = config.redact(thrown);
      throw new AgentRunError({
        message: `onStepEnd threw after step ${step.stepNumber}: ${describeThrown(error)}`,
        run: run.state(),
        cause: error,
      });
    }
  })();
}

const NO_CHILDREN: readonly never[] = [];

/**
 * Gives a step whose calls ran subagents the per-agent split of its usage with its calls'
 * (`runTools` set that usage and cost): the child usage its calls reported since the last step.
 */
function rollUpChildren<Output>(context: RunContext<Output>, step: AgentStep): void {
  const { run, link } = context;
  // No array per step for a run without subagents (the usual one): nothing since the last step.
  const taken = run.childUsageTaken;
  const children = link.childUsage.length > taken ? link.childUsage.slice(taken) : NO_CHILDREN;
  run.childUsageTaken = link.childUsage.length;
  if (step.usageWithChildren !== undefined)
    step.usageByAgent = [{ path: [], usage: step.usage }, ...children];
}
