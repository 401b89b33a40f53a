import { describeValue, invalidOption } from '../options/define-options.ts';

/**
 * Checks that a public function of `@gemloop/core/models` was given a model id as a string, so
 * `priceOf(5)` is an `InvalidArgumentError` naming the function and the argument rather than
 * a bare `TypeError` from deep inside (attack14). The id's shape is not checked: a gateway's alias
 * is priced or looked up as written, and an unknown one is simply not known.
 * @throws `InvalidArgumentError` naming `model`.
 * @internal
 */
export function checkModelArgument(fn: string, model: unknown): asserts model is string {
  if (typeof model !== 'string') {
    throw invalidOption(
      'model',
      `${fn}: model must be a model id string such as 'gemini-2.5-flash'; got ${describeValue(model)}.`,
    );
  }
}

/** Checks an optional service tier argument: a string such as `'flex'`, or left out. @internal */
export function checkTierArgument(fn: string, tier: unknown): asserts tier is string | undefined {
  if (tier !== undefined && typeof tier !== 'string') {
    throw invalidOption(
      'tier',
      `${fn}: tier must be a service tier such as 'standard', 'flex', 'priority' or 'batch' (or left out); got ${describeValue(tier)}.`,
    );
  }
}

/** Checks a usage argument: an object of token counts (`usageMetadata`). @internal */
export function checkUsageArgument(fn: string, usage: unknown): void {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) {
    throw invalidOption(
      'usage',
      `${fn}: usage must be the usageMetadata object of an answer (or a step's usage), such as { promptTokenCount: 1000 }; got ${describeValue(usage)}.`,
    );
  }
}
