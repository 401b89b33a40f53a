import {
  type DeclaredOptions,
  defineOptions,
  describeValue,
  objectOption,
} from '../options/define-options.ts';
import { checkModelArgument } from './check-model-argument.ts';
import { findKnownModelRow } from './known-model-rows.ts';

/** Options of {@link contextWindowOf}. */
export type ContextWindowOptions = {
  /**
   * Input token limits by model id that replace the table's (a gateway's smaller window, a
   * model gemloop does not know yet, or what `gemini.getModel(id)` reported as `inputTokenLimit`).
   */
  overrides?: Readonly<Record<string, number>> | undefined;
};

const contextWindowOptions: DeclaredOptions<ContextWindowOptions> =
  defineOptions<ContextWindowOptions>({
    name: 'contextWindowOf',
    example: "{ overrides: { 'my-model': 32000 } }",
    checks: {
      overrides: objectOption(
        (path, value) =>
          `${path} must be an object of input token limits by model id, such as { 'my-model': 32000 }; got ${describeValue(value)}.`,
      ),
    },
  });

/**
 * The most input tokens a request to `model` may hold: from `overrides`, else from gemloop's
 * table of known models (each row with its source); `undefined` when neither knows it. Ask the
 * API with `gemini.getModel(model)` (its `inputTokenLimit`) for a model the table lacks.
 * An override that is not a positive whole number of tokens is passed over for the table's.
 * @throws {@link InvalidArgumentError} when `model` is not a string, `options` has a key it does
 * not know (a misspelt `overides` was ignored: attack14) or `overrides` is not an object.
 * @example contextWindowOf('gemini-2.5-flash') // 1048576
 */
export function contextWindowOf(
  model: string,
  options: ContextWindowOptions = {},
): number | undefined {
  checkModelArgument('contextWindowOf', model);
  const { overrides } = contextWindowOptions.check(options);
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  if (overrides !== undefined && Object.hasOwn(overrides, id)) {
    const limit: unknown = overrides[id];
    // A bad limit is left for the table's, not refused: an override may be what a gateway's
    // `getModel` reported, read leniently (context-window-of.test.ts).
    if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0) return limit;
  }
  return findKnownModelRow(id)?.inputTokenLimit;
}
