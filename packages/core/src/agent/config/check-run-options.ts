import { dollarsToPicos } from '../../models/usd.ts';
import {
  type DeclaredOptions,
  defineOptions,
  describeValue,
} from '../../options/define-options.ts';
import {
  checkedWhereUsed,
  integerOption,
  nestedOption,
  optionCheck,
} from '../../options/option-checks.ts';
import { pluginCarriedBy } from '../plugins/plugin-engine-of.ts';
import type { RunOptions, TreeBudgetOptions } from './agent-options.ts';
import { compactionValueCheck } from './options/compaction.ts';
import { guardrailsValueCheck } from './options/guardrails.ts';

const treeBudgetDeclaration: DeclaredOptions<TreeBudgetOptions> = defineOptions<TreeBudgetOptions>({
  name: 'budget',
  path: 'options.budget',
  example: "{ maxSteps: 40, maxTokens: 200_000, maxCostUsd: '0.50' }",
  checks: {
    maxSteps: integerOption({ min: 1, infinity: true }),
    maxTokens: integerOption({ min: 1, infinity: true }),
    maxCostUsd: optionCheck(
      (value) =>
        (typeof value === 'number' || typeof value === 'string') &&
        dollarsToPicos(value) !== undefined,
      (path, value) =>
        `${path} must be US dollars as a number >= 0 or a decimal string, such as 0.5 or '2.00'; got ${describeValue(value)}.`,
    ),
  },
});

/**
 * The second argument of `run`/`stream`. A misspelt key (`{ sigal }`) would otherwise be ignored
 * silently, and `null` threw a TypeError while destructuring. The values are checked by the loop,
 * which reads them (a signal already aborted, a history of turns or of contents).
 * @internal
 */
export const runOptionsDeclaration: DeclaredOptions<RunOptions> = defineOptions<RunOptions>({
  name: 'run',
  unknownKey: 'Unknown run option',
  path: 'options',
  example:
    '{ signal, history, stopWhen, steering, budget, compaction, guardrails, plugins } (or none)',
  checks: {
    signal: checkedWhereUsed,
    history: checkedWhereUsed,
    stopWhen: optionCheck(
      (value) =>
        typeof value === 'function' ||
        (Array.isArray(value) && value.every((condition) => typeof condition === 'function')),
      'options.stopWhen must be a stop condition (e.g. costAbove(0.5)) or an array of them.',
    ),
    steering: optionCheck(
      // A controller carries its plugin (createSteering puts it there): a look-alike has none.
      (value) =>
        typeof (value as { steer?: unknown } | null)?.steer === 'function' &&
        typeof (value as { queue?: unknown }).queue === 'function' &&
        pluginCarriedBy(value) !== undefined,
      (path) =>
        `${path} must be a controller made by createSteering() (@gemloop/core/steering), e.g. { steering: createSteering() }.`,
    ),
    budget: nestedOption(treeBudgetDeclaration as DeclaredOptions<unknown>),
    compaction: compactionValueCheck,
    guardrails: guardrailsValueCheck,
    // Checked by the loop, which resolves them with the agent's (joinPlugins).
    plugins: checkedWhereUsed,
  },
  removed: {
    historyModel:
      "historyModel was removed: a stored turn says which model wrote it. Pass the history as turns, { history: [{ contents, model: 'gemini-3-flash-preview' }, ...] } (or run(turns) for a history that ends with calls to answer); signatures of turns another model wrote are removed. Chat sessions do this for you.",
  },
});

/**
 * Checks the run options: `undefined`, or an object with only the known keys.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function checkRunOptions(options: unknown): RunOptions {
  return options === undefined ? {} : runOptionsDeclaration.check(options);
}
