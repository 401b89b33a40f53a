import { isToolResultWithParts, remadeToolResult } from '../tools/responses/tool-result.ts';
import type { ToolResultWithParts } from '../tools/tool.ts';

/**
 * A guardrail's own copy of a call's arguments or result: a check that changes what it was given
 * in place (`call.args.amount = ...`, `delete call.result.account`) changes nothing the tool runs
 * with, the model is sent or the run's `toolCalls` keep; it changes a call only through its
 * verdict (`deny`, `replace`). A `toolResult()` value stays one (its mark is not copied by
 * `structuredClone`), so a guardrail that replaces with it still sends media. A value
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
