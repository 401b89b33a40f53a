import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { addCosts, type Cost } from '../models/cost.ts';
import { costExceeds } from '../models/cost-total.ts';
import { dollarsToPicos } from '../models/usd.ts';
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
      message: `totalTokensExceed(maxTokens) takes a non-negative number of tokens, such as 100000 (Infinity for no limit); got ${typeof maxTokens === 'number' ? String(maxTokens) : (JSON.stringify(maxTokens) ?? String(maxTokens))}.`,
    });
  }
  return ({ steps }) => {
    let total = 0;
    for (const step of steps) total += step.usage.totalTokenCount;
    return total > maxTokens;
  };
}

/** Options of {@link costAbove}. */
export type CostAboveOptions = {
  /**
   * What was spent outside this run and counts against the same budget: a chat session's earlier
   * turns, or, for a tree of agents, what the other runs added to a shared `CostTotal`
   * (`spent: () => total.total`). Read after every step.
   */
  spent?: (() => Cost) | undefined;
};

/**
 * Stops once the run's cost (plus `spent`) is over `usd` US dollars, compared exactly (see
 * `Cost`). The run ends with `finishReason: 'stop-condition'` and its usage and cost so far.
 * An unknown cost (a model or tier without a price: give the agent `prices`) stops the run too:
 * a budget that cannot be measured does not let spending run unbounded.
 * @example createAgent({ ..., stopWhen: costAbove(0.5) })
 * @throws {@link InvalidArgumentError} when `usd` is not a non-negative number of dollars.
 */
export function costAbove(usd: number | string, options: CostAboveOptions = {}): StopCondition {
  if (dollarsToPicos(usd) === undefined) {
    throw new InvalidArgumentError({
      argument: 'usd',
      message: `costAbove(usd) takes US dollars as a non-negative number or decimal string, such as 0.5 or '0.50'; got ${JSON.stringify(usd) ?? String(usd)}.`,
    });
  }
  const spent = options.spent;
  return ({ cost }) => costExceeds(spent === undefined ? cost : addCosts(spent(), cost), usd);
}
