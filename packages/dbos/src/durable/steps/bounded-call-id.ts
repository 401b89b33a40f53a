import { cutText } from '@gemloop/core/internal';

/** Longest part of a call id kept in a step's name or a child's run id: ids come from the model. */
const MAX_CALL_ID = 100;

/** Half of a UTF-16 pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` with each lone surrogate replaced by U+FFFD (as `String.prototype.toWellFormed` does): what
 * node-postgres, `TextEncoder` and every UTF-8 store write for it, so the string is the one read back.
 * @internal
 */
export function wellFormed(text: string): string {
  // Not `toWellFormed()`: ES2024, past the lib these packages compile against.
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A model's call id as a durable step's name and a child workflow's id hold it: well-formed (a
 * lone surrogate replaced by U+FFFD, as `String.prototype.toWellFormed` does), whole up to 100
 * UTF-16 units, else cut there with `…` (the call's step and index, which come first, keep the
 * name unique). A lone surrogate is written to Postgres as U+FFFD while the worker's string keeps
 * it, so the id the worker asks for would not be the one stored (and `checkId` refuses such an id
 * where a caller gives one); the cut never falls inside a pair (`cutText`) for the same reason.
 * A run that stored such an id before reads it back as this gives it (U+FFFD in both).
 * @internal
 */
export function boundedCallId(toolCallId: string): string {
  const whole = wellFormed(toolCallId);
  return whole.length <= MAX_CALL_ID ? whole : `${cutText(whole, MAX_CALL_ID)}…`;
}
