import type { OptionCheck } from '../../../options/define-options.ts';
import { functionOption, integerOption, optionCheck } from '../../../options/define-options.ts';
import type { StopCondition } from '../../stop-conditions.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** The default of `maxSteps`, as in js-genai's AFC and openai-agents. */
export const DEFAULT_MAX_STEPS = 10;
/** The default of `maxReasks`. */
export const DEFAULT_MAX_REASKS = 2;
/** The default of `maxHandOffs`: a real conversation changes hands a few times. */
export const DEFAULT_MAX_HAND_OFFS = 25;
/**
 * The default of `maxModelCallsPerStep`: a wrapper that calls `next` again (a retry, a fallback)
 * needs a few; ten, as js-genai's AFC bounds its remote calls (`DEFAULT_MAX_REMOTE_CALLS`).
 */
export const DEFAULT_MAX_MODEL_CALLS_PER_STEP = 10;

/** The step options, each a field of `AgentConfig` under its own name. @internal */
export type StepOptionName =
  | 'maxSteps'
  | 'stopWhen'
  | 'maxReasks'
  | 'maxHandOffs'
  | 'maxModelCallsPerStep'
  | 'onStepEnd'
  | 'now';

/**
 * `maxSteps`, `stopWhen`, `maxReasks`, `maxHandOffs`, `maxModelCallsPerStep`, `onStepEnd` and
 * `now`: how the loop steps.
 * @internal
 */
export const stepOptions: AgentOptionGroup<
  StepOptionName,
  'maxSteps' | 'maxReasks' | 'maxHandOffs' | 'maxModelCallsPerStep' | 'now'
> = defineAgentOptions({
  checks: {
    maxSteps: integerOption({ min: 1 }),
    stopWhen: stopWhenOption("hasToolCall('final_answer')"),
    maxReasks: integerOption({ min: 0 }),
    maxHandOffs: integerOption({ min: 0 }),
    maxModelCallsPerStep: integerOption({ min: 1 }),
    onStepEnd: functionOption(),
    now: functionOption(),
  },
  defaults: {
    maxSteps: DEFAULT_MAX_STEPS,
    maxReasks: DEFAULT_MAX_REASKS,
    maxHandOffs: DEFAULT_MAX_HAND_OFFS,
    maxModelCallsPerStep: DEFAULT_MAX_MODEL_CALLS_PER_STEP,
    now: Date.now,
  },
});

/**
 * The check of a `stopWhen` option, the agent's and a run's: a stop condition or an array of
 * them; `example` names one that fits where it is given. @internal
 */
export function stopWhenOption(example: string): OptionCheck {
  return optionCheck(
    (value) =>
      typeof value === 'function' ||
      (Array.isArray(value) && value.every((condition) => typeof condition === 'function')),
    (path) => `${path} must be a stop condition (e.g. ${example}) or an array of them.`,
  );
}

/** The part of `AgentConfig` these options make. @internal */
export type StepConfig = Pick<AgentConfig<unknown>, StepOptionName>;

/** Applies the defaults of the step options. @internal */
export function resolveStepOptions(options: AgentOptions<unknown>): StepConfig {
  const { maxSteps, stopWhen, maxReasks, maxHandOffs, maxModelCallsPerStep, onStepEnd, now } =
    stepOptions.withDefaults(options);
  return {
    maxSteps,
    stopWhen: readStopWhen(stopWhen),
    maxReasks,
    maxHandOffs,
    maxModelCallsPerStep,
    onStepEnd,
    now,
  };
}

/** The stop conditions of a `stopWhen` option (agent or run) as a list. @internal */
export function readStopWhen(
  stopWhen: AgentOptions<unknown>['stopWhen'],
): readonly StopCondition[] {
  if (stopWhen === undefined) return [];
  return typeof stopWhen === 'function' ? [stopWhen] : stopWhen;
}
