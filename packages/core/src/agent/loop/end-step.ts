import { isLevelEnabled } from '../../logging/logger.ts';
import { addCosts, type Cost } from '../../models/cost.ts';
import { costOf } from '../../models/cost-of.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { addUsageMetadata } from '../usage.ts';

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
  if (budget !== undefined && step.kind !== 'resume') {
    budget.steps++;
    budget.tokens += step.usage.totalTokenCount;
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
 * Sets the step's usage and cost with its calls' (a subagent's run, the search fallback) and,
 * when it ran subagents, the per-agent split: the child usage its calls reported since the last
 * step. Nothing is set for a step whose calls made no model call.
 */
function rollUpChildren<Output>(context: RunContext<Output>, step: AgentStep): void {
  const { config, run, link } = context;
  // No array per step for a run without subagents (the usual one): nothing since the last step.
  const taken = run.childUsageTaken;
  const children = link.childUsage.length > taken ? link.childUsage.slice(taken) : NO_CHILDREN;
  run.childUsageTaken = link.childUsage.length;
  let usage: AgentStep['usage'] | undefined;
  let cost: Cost = step.cost;
  for (const call of step.toolCalls) {
    if (call.usage === undefined) continue;
    usage ??= { ...step.usage };
    addUsageMetadata(usage, call.usage);
    // As the run's total counts it (run-tools.ts): the child's own price, else this agent's.
    cost = addCosts(
      cost,
      call.cost ?? costOf(call.usage, config.model, config.request.serviceTier, config.prices),
    );
  }
  if (usage === undefined) return;
  step.usageWithChildren = usage;
  step.costWithChildren = cost;
  if (children !== undefined) step.usageByAgent = [{ path: [], usage: step.usage }, ...children];
}
