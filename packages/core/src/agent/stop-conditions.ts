import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Cost } from '../models/cost.ts';
import { describeValue } from '../options/define-options.ts';
import type { AgentStep } from '../run/agent-result.ts';

/** What a stop condition sees. */
export type StopConditionContext = {
  /** The steps so far, the one that just ended last. */
  steps: readonly AgentStep[];
  /**
   * What the run cost so far: every model call, tool-made calls included (`result.cost` so
   * far). Exact decimal strings; unknown when a price was.
   */
  cost: Cost;
};

/**
 * A pure function of the steps so far, checked after each step that called functions (once its
 * calls are answered). When it returns true the run ends with `finishReason: 'stop-condition'`.
 * A step without calls ends the run anyway.
 */
export type StopCondition = (context: StopConditionContext) => boolean;

/**
 * Stops after a step that called a function: any function, or one of `toolNames`.
 * @example createAgent({ ..., toolChoice: 'ANY', stopWhen: hasToolCall('final_answer') })
 */
export function hasToolCall(...toolNames: string[]): StopCondition {
  return ({ steps }) => {
    const last = steps[steps.length - 1];
    if (last === undefined) return false;
    if (toolNames.length === 0) return last.toolCalls.length > 0;
    return last.toolCalls.some((call) => toolNames.includes(call.toolName));
  };
}

/** Stops after a step in which a call failed (bad arguments, unknown tool, a throw, a timeout). */
export function hasToolError(): StopCondition {
  return ({ steps }) => {
    const last = steps[steps.length - 1];
    return last?.toolCalls.some((call) => call.outcome !== 'success') ?? false;
  };
}

/**
 * Stops once the steps together used more than `maxTokens` tokens (`totalTokenCount`).
 * @throws {@link InvalidArgumentError} when `maxTokens` is not a non-negative number (`NaN`, from
 * an unset environment variable, would never stop the run).
 */
export function totalTokensExceed(maxTokens: number): StopCondition {
  if (typeof maxTokens !== 'number' || !(maxTokens >= 0)) {
    throw new InvalidArgumentError({
      argument: 'maxTokens',
      message: `totalTokensExceed(maxTokens) takes a non-negative number of tokens, such as 100000 (Infinity for no limit); got ${describeValue(maxTokens)}.`,
    });
  }
  return ({ steps }) => {
    let total = 0;
    for (const step of steps) total += step.usage.totalTokenCount;
    return total > maxTokens;
  };
}
