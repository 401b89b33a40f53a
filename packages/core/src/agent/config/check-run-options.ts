import { usdOption } from '../../models/usd-option.ts';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  copiedOption,
  type DeclaredOptions,
  dataOption,
  defineOptions,
  integerOption,
  nestedOption,
  optionCheck,
} from '../../options/define-options.ts';
import { pluginCarriedBy } from '../plugins/plugin-engine-of.ts';
import type { RunOptions, TreeBudgetOptions } from './agent-options.ts';
import { compactionValueCheck } from './options/compaction.ts';
import { guardrailsValueCheck } from './options/guardrails.ts';
import { stopWhenOption } from './options/steps.ts';

/**
 * The defaults of the `budget` run option (no limit), declared once: `treeBudgetOf` applies them
 * and check-run-options.test.ts holds the TSDoc `@defaultValue`s of `TreeBudgetOptions` to them.
 * `maxCostUsd` has none: left out, cost is not counted against a limit. @internal
 */
export const TREE_BUDGET_DEFAULTS: {
  readonly maxSteps: number;
  readonly maxTokens: number;
} = {
  maxSteps: Number.POSITIVE_INFINITY,
  maxTokens: Number.POSITIVE_INFINITY,
};

const treeBudgetDeclaration: DeclaredOptions<TreeBudgetOptions> = defineOptions<TreeBudgetOptions>({
  name: 'budget',
  path: 'options.budget',
  example: "{ maxSteps: 40, maxTokens: 200_000, maxCostUsd: '0.50' }",
  checks: {
    maxSteps: integerOption({ min: 1, infinity: true }),
    maxTokens: integerOption({ min: 1, infinity: true }),
    maxCostUsd: usdOption,
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
    '{ signal, history, stopWhen, steering, budget, compaction, guardrails, plugins, generationConfig } (or none)',
  checks: {
    signal: checkedWhereUsed,
    history: checkedWhereUsed,
    stopWhen: stopWhenOption('costAbove(0.5)'),
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
    // An array here, copied (read once); each plugin checked by the loop, which resolves them
    // with the agent's (joinPlugins). Unchecked, `plugins: 5` was the loop's typed error in a
    // run but a TypeError thrown by agent.stream() itself, whose key walk iterates them first
    // (attack60d).
    plugins: copiedOption(
      optionCheck(
        Array.isArray,
        (path) =>
          `${path} must be an array of plugins made by definePlugin() (@gemloop/core/plugins).`,
      ),
    ),
    // Checked by the agent (checkRunGenerationConfig), which knows its `thinking` and `output`;
    // copied at any depth here, so the check and the request read one temperature (attack60d).
    generationConfig: dataOption(checkedWhereUsed),
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
  if (options === undefined) return {};
  // Each option read once, the budget's limits too (attack23; `budget` is a nestedOption, copied
  // in the same pass): read again by the run, a getter gave the check `maxSteps: 2` and the run
  // NaN (no limit), or the check a signal and the run 5.
  return checkOptionsCopy(runOptionsDeclaration, options);
}
