import type { AgentRunError, AgentStep } from '@gemloop/core';
import { emptyUsage, nextSessionSpend, zeroCost } from '@gemloop/core/internal';

/**
 * A failed durable run's `AgentRunError['run']` from its stored steps (read from its event
 * stream, failed-run-state.ts, or from a failed child's stored error, stored-child-run.ts): the
 * steps whose `usage` is an object (a forged row's other items are left out), `usage` and `cost`
 * summed over them as the run sums its steps (each step's `usageWithChildren`/`costWithChildren`
 * where its calls ran subagents). `contents` and `newContents` are empty: the history is stored
 * with neither. @internal
 */
export function runOfSteps(stored: readonly unknown[]): AgentRunError['run'] {
  const steps = stored.filter(isStep);
  let spend: ReturnType<typeof nextSessionSpend> | undefined;
  for (const step of steps) {
    spend = nextSessionSpend(spend, {
      usage: step.usageWithChildren ?? step.usage,
      cost: step.costWithChildren ?? step.cost,
    });
  }
  return {
    contents: [],
    newContents: [],
    steps,
    usage: spend?.usage ?? emptyUsage(),
    cost: spend?.cost ?? zeroCost(),
  };
}

/** A stored step with what the sums read: its usage an object (a forged row's is not summed). */
function isStep(step: unknown): step is AgentStep {
  const usage = (step as { usage?: unknown } | null)?.usage;
  return typeof usage === 'object' && usage !== null;
}
