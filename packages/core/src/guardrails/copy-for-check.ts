import { isToolResultWithParts, remadeToolResult } from '../tools/responses/tool-result.ts';
import type { ToolResultWithParts } from '../tools/tool.ts';

/**
 * A guardrail's own copy of what it checks: a tool call's arguments or result, an input's
 * contents, a structured output. A check that changes what it was given in place
 * (`call.args.amount = ...`, `value.contents[0].parts[0].text = ...`) changes nothing the tool
 * runs with, the model is sent, the caller gave or the result keeps; it changes them only through
 * its verdict (`deny`, `replace`, `rewrite`). A `toolResult()` value stays one (its mark is not
 * copied by `structuredClone`), so a guardrail that replaces with it still sends media. A value
 * `structuredClone` refuses (a function a schema's transform put in the arguments) is given as
 * it is. @internal
 */
export function copyForCheck(value: unknown): unknown {
  try {
    if (isToolResultWithParts(value)) {
      const copy = structuredClone({ response: value.response, parts: value.parts });
      return remadeToolResult(copy as ToolResultWithParts);
    }
    return structuredClone(value);
  } catch {
    return value;
  }
}
