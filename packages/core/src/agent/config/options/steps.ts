import { functionOption, integerOption, optionCheck } from '../../../options/option-checks.ts';
import type { StopCondition } from '../../stop-conditions.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** The default of `maxSteps`, as in js-genai's AFC and openai-agents. */
export const DEFAULT_MAX_STEPS = 10;
/** The default of `maxReasks`. */
export const DEFAULT_MAX_REASKS = 2;

/** `maxSteps`, `stopWhen`, `maxReasks`, `onStepEnd` and `now`: how the loop steps. @internal */
export const stepOptions: AgentOptionGroup<
  'maxSteps' | 'stopWhen' | 'maxReasks' | 'onStepEnd' | 'now'
> = defineAgentOptions({
  maxSteps: { check: integerOption({ min: 1 }), default: DEFAULT_MAX_STEPS },
  stopWhen: {
    check: optionCheck(
      (value) =>
        typeof value === 'function' ||
        (Array.isArray(value) && value.every((condition) => typeof condition === 'function')),
      "stopWhen must be a stop condition (e.g. hasToolCall('final_answer')) or an array of them.",
    ),
  },
  maxReasks: { check: integerOption({ min: 0 }), default: DEFAULT_MAX_REASKS },
  onStepEnd: { check: functionOption() },
  now: { check: functionOption(), default: Date.now },
});

/** The part of `AgentConfig` these options make. @internal */
export type StepConfig = Pick<
  AgentConfig<unknown>,
  'maxSteps' | 'stopWhen' | 'maxReasks' | 'onStepEnd' | 'now'
>;

/** Applies the defaults of the step options. @internal */
export function resolveStepOptions(options: AgentOptions<unknown>): StepConfig {
  return {
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    stopWhen: readStopWhen(options.stopWhen),
    maxReasks: options.maxReasks ?? DEFAULT_MAX_REASKS,
    onStepEnd: options.onStepEnd,
    now: options.now ?? Date.now,
  };
}

/** The stop conditions of a `stopWhen` option (agent or run) as a list. @internal */
export function readStopWhen(
  stopWhen: AgentOptions<unknown>['stopWhen'],
): readonly StopCondition[] {
  if (stopWhen === undefined) return [];
  return typeof stopWhen === 'function' ? [stopWhen] : stopWhen;
}
