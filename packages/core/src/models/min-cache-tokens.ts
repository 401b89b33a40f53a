import { checkModelArgument } from './check-model-argument.ts';

// The smallest cache the API accepts, by model. Sources (checked 2026-11):
// - ai.google.dev/gemini-api/docs/caching (the table in its "?lang=go" and interactions pages):
//   Gemini 3 Flash Preview 1024, Gemini 3 Pro Preview 4096, Gemini 2.5 Flash 1024, 2.5 Pro 4096;
//   later revisions of the page list 4096 for Gemini 3.5 Flash and newer and for 3.1 Pro.
// - discuss.ai.google.dev/t/178942: the API enforces 1024 for gemini-2.5-flash and 2048 for
//   gemini-2.5-flash-lite (its 400 says "Cached content is too small. total_token_count=1006,
//   min_total_token_count=1024").
// Unknown names get 4096, the largest minimum listed: too high only costs a skipped cache.
const UNKNOWN_MINIMUM = 4096;

const geminiName = /^(?:models\/)?gemini-(?:(\d+(?:\.\d+)?)-)?(.*)$/;

/**
 * The smallest prompt prefix, in tokens, that `caches.create` accepts for `model` (a smaller one
 * gets `400 Cached content is too small`). The agent's `cache` option uses it to decide whether
 * caching is worth a request; give `cache.minTokens` for a model this table does not know.
 * @throws {@link InvalidArgumentError} when `model` is not a string, as the other lookups of
 * `@gemloop/core/models` do (`getMinCacheTokens(5)` answered 4096).
 *
 * @example
 * getMinCacheTokens('gemini-2.5-flash') // 1024
 * getMinCacheTokens('gemini-3-pro-preview') // 4096
 */
export function getMinCacheTokens(model: string): number {
  checkModelArgument('getMinCacheTokens', model);
  const match = geminiName.exec(model.trim().toLowerCase());
  if (match === null) return UNKNOWN_MINIMUM;
  const rest = match[2] ?? '';
  const generation = match[1] === undefined ? undefined : Number(match[1]);
  const pro = rest.startsWith('pro');
  const lite = rest.startsWith('flash-lite');
  if (generation === undefined) return UNKNOWN_MINIMUM;
  if (generation >= 3.5) return 4096;
  if (generation >= 3) return pro ? 4096 : 1024;
  if (generation >= 2.5) return pro ? 4096 : lite ? 2048 : 1024;
  return UNKNOWN_MINIMUM;
}
