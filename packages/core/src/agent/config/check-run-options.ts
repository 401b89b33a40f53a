import { guardrailOptions } from '../../guardrails/guardrail-options.ts';
import { type DeclaredOptions, defineOptions } from '../../options/define-options.ts';
import { checkedWhereUsed, nestedOption } from '../../options/option-checks.ts';
import type { RunOptions } from './agent-options.ts';

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
  example: '{ signal, history } (or none)',
  checks: {
    signal: checkedWhereUsed,
    history: checkedWhereUsed,
    guardrails: nestedOption(guardrailOptions as DeclaredOptions<unknown>),
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
