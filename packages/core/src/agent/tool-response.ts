import type { ToolResultWithParts } from '../tools/tool.ts';
import type { FunctionResponse, FunctionResponsePart } from '../wire/content.ts';

/** The `response` and media `parts` of a functionResponse. @internal */
export type ToolResponsePayload = {
  response: Record<string, unknown>;
  parts: FunctionResponsePart[] | undefined;
};

/**
 * What a successful `execute` returned, as a functionResponse payload. The value always goes under
 * `output` (the key the API documents for results), so a result that happens to have an `error`
 * field is not read as a failure; `undefined` becomes `null` so the key survives JSON. A
 * `toolResult()` value brings its own response object and media parts; on models that do not take
 * `functionResponse.parts` the parts are left out and the response says so.
 * @internal
 */
export function toToolResponsePayload(
  value: unknown,
  { multimodal }: { multimodal: boolean },
): ToolResponsePayload {
  if (isToolResultWithParts(value)) {
    if (value.parts.length === 0) return { response: value.response, parts: undefined };
    if (multimodal) return { response: value.response, parts: value.parts };
    return {
      response: {
        ...value.response,
        note: `${value.parts.length} media part(s) were left out: this model does not accept media in function responses.`,
      },
      parts: undefined,
    };
  }
  return { response: { output: value === undefined ? null : value }, parts: undefined };
}

/** The payload of a failed call: `{ error }`, the key the API documents for failures. @internal */
export function toErrorResponse(message: string): ToolResponsePayload {
  return { response: { error: message }, parts: undefined };
}

/**
 * The functionResponse for a call: the call's `name`, and its `id` only when the call had one.
 *
 * No id is invented for a call without one: the model's content goes back verbatim (so its call
 * has no id either), the API pairs id-less responses with calls by order and name, and recorded
 * traffic shows this accepted on Gemini 3 (fixture
 * `requests/gemini3-flash__snake-case-function_call-with-camel-thoughtSignature.request.json`,
 * wire reference section 5.1).
 * @internal
 */
export function toFunctionResponse(
  call: { id?: string | undefined; name: string },
  payload: ToolResponsePayload,
): FunctionResponse {
  const response: FunctionResponse =
    call.id === undefined
      ? { name: call.name, response: payload.response }
      : { id: call.id, name: call.name, response: payload.response };
  if (payload.parts !== undefined) response.parts = payload.parts;
  return response;
}

function isToolResultWithParts(value: unknown): value is ToolResultWithParts {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'tool-result' &&
    Array.isArray((value as { parts?: unknown }).parts)
  );
}
