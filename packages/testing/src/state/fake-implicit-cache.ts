// Gemini's implicit caching, simulated: "Implicit caching is enabled by default for all Gemini 2.5
// and newer models. We automatically pass on cost savings if your request hits caches", with a
// minimum input token count per model, and "Try to send requests with similar prefix in a short
// amount of time" (https://ai.google.dev/gemini-api/docs/caching, "Implicit caching"; the
// minimums are core's `getMinCacheTokens`, which cites the table's revisions). The fake reads a
// hit as: the longest prefix of this request (system instruction and tools, then whole contents,
// compared byte for byte as JSON) that one of the recent requests to the same model began with,
// when it reaches the model's minimum. `cachedContentTokenCount` reports its tokens, so tests and
// the bench see what a rewrite of the start of a history costs.
import { estimateTokens, isJsonObject } from '@gemloop/core/internal';
import { getMinCacheTokens } from '@gemloop/core/models';

/** How many recent requests the fake remembers per model (a bounded "short amount of time"). */
const REMEMBERED_REQUESTS = 16;

/** The prefixes the fake remembers, by model. @internal */
export type ImplicitCacheMemory = Map<string, string[][]>;

/**
 * The tokens of `body`'s prefix that hit the implicit cache (0 for a miss), remembering `body`
 * for the requests after it. A request with an explicit `cachedContent` is not looked at.
 * @internal
 */
export function implicitCacheHit(
  memory: ImplicitCacheMemory,
  model: string,
  body: unknown,
): number {
  if (!isJsonObject(body) || body['cachedContent'] !== undefined) return 0;
  const contents = Array.isArray(body['contents']) ? body['contents'] : [];
  const head = JSON.stringify([body['systemInstruction'] ?? null, body['tools'] ?? null]);
  const keys = [head, ...contents.map((content) => JSON.stringify(content))];
  const seen = memory.get(model) ?? [];
  let shared = 0;
  for (const previous of seen) {
    let index = 0;
    while (index < keys.length && index < previous.length && keys[index] === previous[index])
      index++;
    if (index > shared) shared = index;
  }
  seen.push(keys);
  if (seen.length > REMEMBERED_REQUESTS) seen.shift();
  memory.set(model, seen);
  if (shared === 0) return 0;
  const prefix = estimateTokens([
    body['systemInstruction'],
    body['tools'],
    contents.slice(0, shared - 1),
  ]);
  const tokens = prefix.text + prefix.media;
  return tokens >= getMinCacheTokens(model) ? tokens : 0;
}
