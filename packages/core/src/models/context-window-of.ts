import { findKnownModelRow } from './known-model-rows.ts';

/** Options of {@link contextWindowOf}. */
export type ContextWindowOptions = {
  /**
   * Input token limits by model id that replace the table's (a gateway's smaller window, a
   * model gemloop does not know yet, or what `gemini.getModel(id)` reported as `inputTokenLimit`).
   */
  overrides?: Readonly<Record<string, number>> | undefined;
};

/**
 * The most input tokens a request to `model` may hold: from `overrides`, else from gemloop's
 * table of known models (each row with its source); `undefined` when neither knows it. Ask the
 * API with `gemini.getModel(model)` (its `inputTokenLimit`) for a model the table lacks.
 * @example contextWindowOf('gemini-2.5-flash') // 1048576
 */
export function contextWindowOf(
  model: string,
  options: ContextWindowOptions = {},
): number | undefined {
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  const overrides = options.overrides;
  if (overrides !== undefined && Object.hasOwn(overrides, id)) {
    const limit = overrides[id];
    if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0) return limit;
  }
  return findKnownModelRow(id)?.inputTokenLimit;
}
