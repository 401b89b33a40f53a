import { cutText } from '@gemloop/core/internal';

/** Longest part of a call id kept in a step's name or a child's run id: ids come from the model. */
const MAX_CALL_ID = 100;

/**
 * A model's call id as a durable step's name and a child workflow's id hold it: whole up to 100
 * UTF-16 units, else cut there with `…` (the call's step and index, which come first, keep the
 * name unique). The cut never falls inside a surrogate pair (`cutText`): half an emoji is written
 * to Postgres as U+FFFD while the worker's string keeps the lone half, and `checkId` refuses such
 * an id where a caller gives one.
 * @internal
 */
export function boundedCallId(toolCallId: string): string {
  return toolCallId.length <= MAX_CALL_ID ? toolCallId : `${cutText(toolCallId, MAX_CALL_ID)}…`;
}
