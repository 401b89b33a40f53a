import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import type { FunctionResponse, Part } from '../../wire/content.ts';
import { formatPath, shortPlace } from '../schema/inline-refs.ts';
import { requireObject } from './require-object.ts';
import type { JsonValue } from './to-json-value.ts';
import { isPlainObject, NotJsonError, toJsonValue } from './to-json-value.ts';
import { isToolResultWithParts } from './tool-result.ts';

/** The options of {@link toFunctionResponse}. */
export type ToFunctionResponseOptions = {
  /** The function name from the model's `functionCall`. */
  name: string;
  /** The model's `functionCall.id`, echoed. Leave it out when the model's call had none. */
  id?: string | undefined;
  /** What the tool's `execute` returned. */
  result: unknown;
  /**
   * Whether the model takes media in `functionResponse.parts` (Gemini 3, the
   * `multimodalFunctionResponses` capability). When `false`, media from `toolResult()` come back as
   * `extraParts` for the agent to send in a user turn after the function responses, which older
   * models accept (wire doc §5.2), instead of a 400.
   * @defaultValue true
   */
  multimodal?: boolean | undefined;
  /**
   * Whether `fileData` parts (a Cloud Storage or Files API URI) may go in `functionResponse.parts`:
   * Vertex AI takes them, the Gemini API takes `inlineData` only ("fileData parameter is not
   * supported in Gemini API", js-genai `FunctionResponsePart` converter). When `false`, `fileData`
   * parts come back as `extraParts` (a user turn takes them) while `inlineData` stays in place.
   * @defaultValue true
   */
  fileDataInResponses?: boolean | undefined;
};

/** What {@link toFunctionResponse} returns. */
export type ToFunctionResponseResult = {
  functionResponse: FunctionResponse;
  /** Media to send after the function responses, when `multimodal` is false; usually empty. */
  extraParts: Part[];
  /**
   * The JSON value made of `result`, read once: the snapshot `functionResponse.response` holds
   * (itself, or as its `output`). Absent for a `toolResult()` value and for `undefined`.
   */
  json?: JsonValue | undefined;
};

/**
 * Turns a tool's return value into the `functionResponse` sent back to Gemini. `response` must be
 * a JSON object (an array or scalar is a 400, wire doc §5.2), so:
 *
 * - a plain object is the `response` itself (Gemini reads the whole object as the output when it
 *   has no `output`/`error` key);
 * - any other value (string, number, boolean, array, null, Date, class instance) is wrapped as
 *   `{ output: value }`, Gemini's documented key;
 * - `undefined` (a tool that returns nothing) is `{}`: a valid, accepted response (recorded in the
 *   multimodal fixture) that tells the model the call completed with nothing to report;
 * - a `toolResult()` value gives its response and its media parts.
 *
 * Values are made JSON by `toJsonValue` (Date → ISO string, bigint → string, NaN → "NaN").
 *
 * @throws {@link InvalidToolResultError} naming the tool and the path of a value that cannot be
 * JSON (a function, a Map, a Set, a circular reference, binary data): turn it into an error
 * response with `toolErrorResponse`.
 */
export function toFunctionResponse(options: ToFunctionResponseOptions): ToFunctionResponseResult {
  requireObject(options, 'options', 'toFunctionResponse() takes { name, id, result }');
  const { name, id, result, multimodal = true, fileDataInResponses = true } = options;
  const extraParts: Part[] = [];
  if (isToolResultWithParts(result)) {
    const functionResponse = newFunctionResponse(name, id, result.response);
    if (result.parts.length > 0) {
      if (!multimodal) for (const part of result.parts) extraParts.push(part);
      else if (fileDataInResponses || !result.parts.some((part) => part.fileData !== undefined)) {
        functionResponse.parts = result.parts;
      } else {
        const inline = result.parts.filter((part) => part.fileData === undefined);
        for (const part of result.parts) if (part.fileData !== undefined) extraParts.push(part);
        if (inline.length > 0) functionResponse.parts = inline;
      }
    }
    return { functionResponse, extraParts };
  }
  if (result === undefined)
    return { functionResponse: newFunctionResponse(name, id, {}), extraParts };
  let json: unknown;
  try {
    json = toJsonValue(result);
  } catch (error) {
    if (!(error instanceof NotJsonError)) throw error;
    const where =
      error.path.length === 0 ? 'the result' : `result.${shortPlace(formatPath(error.path))}`;
    throw new InvalidToolResultError({
      toolName: name,
      path: error.path,
      message: `Tool "${name}" returned a value that cannot be sent to Gemini: ${where} is not JSON: ${error.message}.`,
      cause: error,
    });
  }
  const response = isPlainObject(result) && isPlainObject(json) ? json : { output: json };
  return {
    functionResponse: newFunctionResponse(name, id, response),
    extraParts,
    json: json as JsonValue,
  };
}

/** `{ id, name, response }`, without an `id` key when the call had none. */
function newFunctionResponse(
  name: string,
  id: string | undefined,
  response: FunctionResponse['response'],
): FunctionResponse {
  return id === undefined ? { name, response } : { id, name, response };
}
