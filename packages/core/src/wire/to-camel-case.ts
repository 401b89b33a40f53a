import { nameEnumNumbers } from './name-enum-numbers.ts';
import { parseGenerateContentResponse } from './parse-generate-content-response.ts';
import { renameToCamelCase } from './rename-to-camel-case.ts';
import type { GenerateContentResponse, UsageMetadata } from './response.ts';

// The renaming itself is rename-to-camel-case.ts's, shared with the other endpoints' checks.
export { renameToCamelCase };

// A gateway's answer in the proto field names (`usage_metadata`, `function_call`, ...), read in
// the lowerCamelCase names the API answers with (proto3 JSON makes them one message,
// gemini-wire.md section 1). Loaded with the first such answer only (`import()`): an app whose
// API answers in camelCase never loads it. The loop (a step's answer), the continuation plugin
// (each hop of a long-decode answer) and a stream's cut (its usage so far) share it.

/**
 * A response (or a stream's chunk) a gateway wrote in the proto field names, read in camelCase
 * and checked as a unary body is (`parseGenerateContentResponse`: the per-chunk check never saw
 * these fields under the names it checks), its `finishReason` and `blockReason` named when they
 * came as proto numbers (`nameEnumNumbers`: a gateway that writes with proto-plus does).
 * @throws TypeError naming the field and the fix, when the renamed response is not a
 *   `GenerateContentResponse` (the loop wraps it in a `ModelCallError`).
 * @internal
 */
export function camelCaseResponse(response: unknown): GenerateContentResponse {
  const result = parseGenerateContentResponse(renameToCamelCase(response));
  if (!result.ok) {
    throw new TypeError(
      `The model's answer, written in snake_case field names (a gateway's translation) and read as camelCase, is not a GenerateContentResponse: \`${result.path}\` ${result.message}. Configure the gateway to answer in the API's own camelCase JSON.`,
    );
  }
  nameEnumNumbers(result.value);
  return result.value;
}

/**
 * The `usage_metadata` of a stream cut after snake_case chunks, read as a camelCase
 * `UsageMetadata` and checked as a unary body's usage is; `undefined` when there is none or it is
 * not one (the cut's error then stands without a partial usage). @internal
 */
export function camelCaseUsage(usage: unknown): UsageMetadata | undefined {
  if (usage == null) return undefined;
  const result = parseGenerateContentResponse({ usageMetadata: renameToCamelCase(usage) });
  return result.ok ? result.value.usageMetadata : undefined;
}
