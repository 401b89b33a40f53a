import type { FunctionResponse } from '../../wire/content.ts';

/**
 * The key of the marker a truncated tool result carries: the response becomes
 * `{ "output": "<the first N characters of the result's JSON>", "gemloopTruncated": "[gemloop:
 * output of <tool> truncated: ...]" }`. The marker says how much was kept of how much, and how
 * to read the rest (`read_tool_output` with the id, when an artifact store keeps it).
 */
export const TRUNCATED_RESULT_KEY = 'gemloopTruncated';

/** A cap on what one tool result may put in the context. Give `maxTokens`, `maxBytes` or both. */
export type ToolOutputLimit = {
  /** At most this many tokens (gemloop's estimate: a token per four characters). */
  maxTokens?: number | undefined;
  /** At most this many bytes of the result's JSON (UTF-8). */
  maxBytes?: number | undefined;
};

/**
 * What the marker of a cut result says about the rest, when nothing keeps it for the model (the
 * app still has the whole value: `result.steps[i].toolCalls[j].output`). @internal
 */
export const REST_NOT_KEPT =
  'the rest is not kept; ask for less (a narrower query, a page) if you need more';

/**
 * The function response cut to `limit`, or the same response when it fits. Text-only: the
 * response's JSON is cut (at a character boundary, never inside a surrogate pair) and wrapped with
 * the marker; media `parts` are kept (a limit bounds tokens of text; media have their own flat
 * rate). `keepRest` gets the whole JSON of a cut result and says, for the marker, how the model
 * reads the rest. Kept apart from the artifact store's code (tool-output-budget.ts): every agent
 * applies the default cap with this alone.
 * @internal
 */
export function cutFunctionResponse(
  response: FunctionResponse,
  limit: ToolOutputLimit,
  keepRest: (json: string) => string,
): FunctionResponse {
  const { maxTokens, maxBytes } = limit;
  if (maxTokens === undefined && maxBytes === undefined) return response;
  // A bound on the JSON's length, walked without serialising: most results fit and cost no JSON.
  // It must never run under the JSON (the history's token estimate did: it skips keys, `id` and
  // `thought` fields, and counts a number as 2 characters, so such results escaped the cap). A
  // character is at most 3 UTF-8 bytes in a JS string.
  const ceiling = Math.min(
    maxTokens === undefined ? Number.POSITIVE_INFINITY : maxTokens * 4,
    maxBytes === undefined ? Number.POSITIVE_INFINITY : maxBytes / 3,
  );
  const fitsTokens = (bound: number) => maxTokens === undefined || bound <= maxTokens * 4;
  const fitsBytes = (bound: number) => maxBytes === undefined || bound * 3 <= maxBytes;
  const bound = jsonLengthBound(response.response, ceiling, 0);
  if (fitsTokens(bound) && fitsBytes(bound)) return response;
  const json = JSON.stringify(response.response) ?? '';
  const keepChars = charactersWithin(json, maxTokens, maxBytes);
  if (keepChars >= json.length) return response;
  const howBack = keepRest(json);
  const truncated: FunctionResponse = {
    name: response.name,
    response: {
      output: json.slice(0, keepChars),
      [TRUNCATED_RESULT_KEY]: `[gemloop: output of ${response.name} truncated: kept ${keepChars} of ${json.length} characters; ${howBack}]`,
    },
  };
  if (response.id !== undefined) truncated.id = response.id;
  if (response.parts !== undefined) truncated.parts = response.parts;
  if (response.willContinue !== undefined) truncated.willContinue = response.willContinue;
  if (response.scheduling !== undefined) truncated.scheduling = response.scheduling;
  return truncated;
}

/** How many leading characters of `json` fit both limits. */
function charactersWithin(
  json: string,
  maxTokens: number | undefined,
  maxBytes: number | undefined,
): number {
  let keep = maxTokens === undefined ? json.length : Math.min(json.length, maxTokens * 4);
  if (maxBytes !== undefined) {
    let bytes = 0;
    let index = 0;
    while (index < keep) {
      const code = json.charCodeAt(index);
      const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 4 : 3;
      if (bytes + width > maxBytes) break;
      // A pair across the token cut is left out whole, not kept one character past it.
      if (width === 4 && index + 2 > keep) break;
      bytes += width;
      index += width === 4 ? 2 : 1;
    }
    keep = index;
  }
  // Never end on the first half of a surrogate pair.
  const last = json.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last < 0xdc00) keep--;
  return keep;
}

// The longest JSON text of a number: -2.2250738585072014e-308.
const MAX_NUMBER_CHARACTERS = 24;
// What JSON.stringify escapes (\" \\ \n \u0001), and surrogates (a lone one becomes \udXXX).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const MAY_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * An upper bound on the length of `JSON.stringify(value)`, or Infinity once it passes `ceiling`
 * (the walk stops there) or meets what it cannot bound cheaply (a `toJSON`, a deep value).
 */
function jsonLengthBound(value: unknown, ceiling: number, depth: number): number {
  if (typeof value === 'string') {
    return MAY_ESCAPE.test(value) ? value.length * 6 + 2 : value.length + 2;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return MAX_NUMBER_CHARACTERS;
  if (typeof value !== 'object' || value === null) return 5;
  if (depth > 64 || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return Number.POSITIVE_INFINITY;
  }
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      total += jsonLengthBound(item, ceiling, depth + 1) + 1;
      if (total > ceiling) return Number.POSITIVE_INFINITY;
    }
    return total;
  }
  for (const key of Object.keys(value)) {
    total +=
      jsonLengthBound(key, ceiling, depth + 1) +
      jsonLengthBound((value as Record<string, unknown>)[key], ceiling, depth + 1) +
      2;
    if (total > ceiling) return Number.POSITIVE_INFINITY;
  }
  return total;
}
