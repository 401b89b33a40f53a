import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { toFunctionResponse } from '../../tools/responses/to-function-response.ts';
import { isPlainObject } from '../../tools/responses/to-json-value.ts';
import { toolErrorResponse } from '../../tools/responses/tool-error-response.ts';
import type { ToolArgumentIssue } from '../../tools/tool.ts';
import type { FunctionCall, FunctionResponse, Part } from '../../wire/content.ts';

/** A call's answer: the functionResponse, and media to send after the responses (older models). @internal */
export type ToolAnswer = {
  response: FunctionResponse;
  /** Media a model without multimodal function responses gets in a user content after them. */
  extraParts: Part[];
  /**
   * The call's `output` for its record: a plain object or array as the snapshot the model was
   * sent (read once, tools45), anything else (a Date, a class instance, `toolResult()`) as given.
   */
  output?: unknown;
};

/**
 * The answer to a call whose `execute` returned, in the shape shared with MCP and `@gemloop/tools`
 * (`toFunctionResponse`): a plain object is the response, any other value `{ output }`. A value
 * that cannot be JSON becomes an error answer naming the path.
 *
 * The call's `id` is echoed when it has one. No id is invented for a call without one: the model's
 * content goes back verbatim (so its call has no id either), the API pairs id-less responses with
 * calls by order and name, and recorded traffic shows this accepted on Gemini 3 (fixture
 * `requests/gemini3-flash__snake-case-function_call-with-camel-thoughtSignature.request.json`,
 * wire reference section 5.1).
 * @internal
 */
export function answerWithResult(
  call: FunctionCall,
  result: unknown,
  multimodal: boolean,
  fileDataInResponses = true,
): ToolAnswer | { invalid: InvalidToolResultError } {
  try {
    const { functionResponse, extraParts, json } = toFunctionResponse({
      name: call.name,
      id: call.id,
      result,
      multimodal,
      fileDataInResponses,
    });
    // Reading the tool's own value again (the record, its event, the run file) would read its
    // getters again: a plain object or array is kept as the snapshot sent.
    const output =
      json !== undefined && (Array.isArray(result) || isPlainObject(result)) ? json : result;
    return { response: functionResponse, extraParts, output };
  } catch (error) {
    if (InvalidToolResultError.isInstance(error)) return { invalid: error };
    // Anything else reading the result threw (a hostile proxy): still the tool's failure, so the
    // call is answered and the run goes on.
    return {
      invalid: new InvalidToolResultError({
        toolName: call.name,
        path: [],
        message: `Tool "${call.name}" returned a value that cannot be sent to Gemini: reading it threw (${describeThrown(error)}).`,
        cause: error,
      }),
    };
  }
}

/** The `{ error }` answer of a failed call (with the argument issues, when there are). @internal */
export function answerWithError(
  call: FunctionCall,
  message: string,
  issues?: readonly ToolArgumentIssue[] | undefined,
): ToolAnswer {
  return {
    response: toolErrorResponse({ name: call.name, id: call.id, error: message, issues }),
    extraParts: [],
  };
}
