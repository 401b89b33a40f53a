import { setOwnKey } from '../../shared/set-own-key.ts';
import { parseGenerateContentResponse } from '../../wire/parse-generate-content-response.ts';
import type { ModelCallOutcome } from './call-model.ts';

/**
 * A model call's outcome whose response a gateway wrote in the proto field names
 * (`function_call`, `finish_reason`, `usage_metadata`, `thought_signature`), read as the same
 * response in the lowerCamelCase names the API answers with, which is what the loop, the history
 * and every reader after them read. The proto3 JSON mapping makes the two spellings one message
 * ("Parsers accept both the lowerCamelCase name … and the original proto field name",
 * gemini-wire.md §1) and the API takes the camelCase one back, so the model's turn goes back as
 * the same message, its values (signatures, arguments) byte-equal.
 *
 * Every key with an inner `_` is renamed at every depth but inside the free-form `Struct` fields
 * (`args`, `response`), whose keys are the tool's data; a key set in camelCase too keeps its
 * camelCase value. The result is checked as a unary body is (`parseGenerateContentResponse`):
 * the per-chunk check never saw these fields under the names it checks. A stream the fold took
 * for cut (its chunks had no `finishReason`) is not, when the renamed response says why it ended.
 *
 * Loaded with the first such response only (`import()` in call-model-step.ts): an app whose API
 * answers in camelCase never loads it.
 *
 * @throws TypeError naming the field and the fix, when the renamed response is not a
 *   `GenerateContentResponse` (the loop wraps it in a `ModelCallError`).
 * @internal
 */
export function toCamelCaseOutcome(outcome: ModelCallOutcome): ModelCallOutcome {
  const result = parseGenerateContentResponse(rename(outcome.response));
  if (!result.ok) {
    throw new TypeError(
      `The model's answer, written in snake_case field names (a gateway's translation) and read as camelCase, is not a GenerateContentResponse: \`${result.path}\` ${result.message}. Configure the gateway to answer in the API's own camelCase JSON.`,
    );
  }
  const response = result.value;
  const renamed: ModelCallOutcome = { ...outcome, response };
  if (
    response.candidates?.[0]?.finishReason != null ||
    response.promptFeedback?.blockReason !== undefined
  ) {
    delete renamed.interrupted;
  }
  return renamed;
}

/** The free-form `google.protobuf.Struct` fields of a response: their keys are data, kept. */
const STRUCT_FIELDS: ReadonlySet<string> = new Set(['args', 'response']);

function rename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rename);
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const target: Record<string, unknown> = {};
  for (const key in source) {
    // An `_` after a letter or digit only: a leading one (`__proto__`) is no word break.
    const name = key.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_match, letter: string) =>
      letter.toUpperCase(),
    );
    if (name !== key && Object.hasOwn(source, name) && source[name] != null) continue;
    const field = source[key];
    setOwnKey(target, name, STRUCT_FIELDS.has(name) ? field : rename(field));
  }
  return target;
}
