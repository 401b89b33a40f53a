import { unitsWithinQuarters } from '../../history/estimate-tokens.ts';
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
  /**
   * At most this many tokens, by gemloop's estimate of text by script (about four characters a
   * token in Latin and Cyrillic, one and a third in Chinese, Japanese and Korean, two in others).
   */
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
  // Measured on the JSON itself: the history's token estimate, which this used to skip the JSON
  // by, skips keys, `id` and `thought` fields and counts a number as 2 characters, so such results
  // escaped the cap. JSON.stringify is native: 1.5 us for a small result (the estimate's walk 0.3),
  // 0.4 ms for 35 KB, and a walk that bounds the JSON safely added 87 bytes to the bundle.
  // A flat result (what most tools return: `{ sum: 5 }`) skips JSON.stringify when a bound read
  // off its keys and values cannot reach the cap: each entry's JSON is at most 6 characters a
  // UTF-16 unit of its key and string value (`\uXXXX`) and 6 more (quotes, colon, comma), a number
  // at most 25 (-0.0000012345678901234567), counted as 6 × 5; each JSON character is at most 3
  // quarter tokens (estimate-tokens.ts) and 3 UTF-8 bytes. Anything else is stringified (NaN is
  // never under the cap): a boolean, null, an object, a bigint JSON.stringify refuses, and any
  // result not a plain object (an array's holes or a class's `toJSON` write what `for in` misses).
  // −1 JSON.stringify and −3 calls a tool result (V8 precise coverage of the ABBA client's default
  // agent, helper step-run3); +79 B gzip of the agent app with the serialize-request-body cut.
  const value = response.response as Record<string, unknown>;
  let bound = value?.constructor === Object ? 2 : Number.NaN;
  for (const key in value) {
    const item = value[key];
    bound +=
      6 *
      (key.length +
        (typeof item === 'string' ? item.length : typeof item === 'number' ? 5 : Number.NaN) +
        1);
  }
  if (3 * bound <= Math.min(4 * (maxTokens ?? Infinity), maxBytes ?? Infinity)) return response;
  const json = JSON.stringify(value) ?? '';
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
  // The tokens by the estimate's script weights (history/estimate-tokens.ts), in quarter tokens.
  let keep = maxTokens === undefined ? json.length : unitsWithinQuarters(json, maxTokens * 4);
  if (maxBytes !== undefined) {
    let bytes = 0;
    let index = 0;
    while (index < keep) {
      const code = json.charCodeAt(index);
      const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 4 : 3;
      if (bytes + width > maxBytes) break;
      bytes += width;
      index += width === 4 ? 2 : 1;
    }
    // A pair across the token cut steps one past it: the check below then leaves it out whole.
    keep = Math.min(index, keep);
  }
  // Never end on the first half of a surrogate pair.
  const last = json.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last < 0xdc00) keep--;
  return keep;
}
