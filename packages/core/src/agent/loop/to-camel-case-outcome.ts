import { isPromptBlocked } from '../../wire/is-prompt-blocked.ts';
import { camelCaseResponse } from '../../wire/to-camel-case.ts';
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
 * camelCase value (see `camelCaseResponse`). A stream the fold took for cut (its chunks had no
 * `finishReason`) is not, when the renamed response says why it ended.
 *
 * Loaded with the first such response only (`import()` in call-model-step.ts and, for an observed
 * call, run/observe-model-call.ts): an app whose API answers in camelCase never loads it.
 *
 * @throws TypeError naming the field and the fix, when the renamed response is not a
 *   `GenerateContentResponse` (the loop wraps it in a `ModelCallError`).
 * @internal
 */
export function toCamelCaseOutcome(outcome: ModelCallOutcome): ModelCallOutcome {
  const response = camelCaseResponse(outcome.response);
  const renamed: ModelCallOutcome = { ...outcome, response };
  if (response.candidates?.[0]?.finishReason != null || isPromptBlocked(response)) {
    delete renamed.interrupted;
  }
  return renamed;
}
