import { hasToolResultShape, isToolResultWithParts, remadeToolResult } from './tool-result.ts';

/**
 * What a store writes beside a tool's value so that it reads it back as it was sent, since its
 * copy (JSON) loses `toolResult()`'s mark: `true` for a `toolResult()` value (its parts were sent
 * as media), `false` for the tool's data in that shape (sent as JSON), `undefined` for any other
 * value, where nothing needs writing (toolresult45). A store reads it with
 * {@link fromToolResultMark}. A value that throws when read is `undefined`: the tool path answers
 * it with an error. @internal
 */
export function toolResultMark(value: unknown): boolean | undefined {
  try {
    return hasToolResultShape(value) ? isToolResultWithParts(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stored tool value as the run is to use it again: a `toolResult()` value (marked, media) when
 * its mark says so, or when the record has no mark (one written before marks, by a version that
 * took every value of that shape for one: its meaning kept) and the value has the shape; else
 * the value as stored, data. A mark other than `true` or absent (`false`, or anything an edited
 * record holds) is data. @internal
 */
export function fromToolResultMark(value: unknown, mark: unknown): unknown {
  return (mark === true || mark === undefined) && hasToolResultShape(value)
    ? remadeToolResult(value)
    : value;
}
