import type { FunctionCall } from '../../wire/content.ts';

// One `{}` per argument-less call, so that every place that hands out a call's arguments (the
// `tool-call` event, `beforeToolCall`'s `rawArgs`, the call's record) hands out the same object:
// `@gemloop/core/web` pairs a pending approval with the stream that showed the call by it.
// why (cache): a memo of one `{}` per call object (a pure function of the call, kept for its
// identity); no run data beyond the call it is keyed by.
const emptyArgs = new WeakMap<FunctionCall, Record<string, unknown>>();

/**
 * A call's arguments as the model sent them; for a call without `args`, one empty object kept for
 * that call (never written onto the call: the history goes back to the API as it came). @internal
 */
export function rawArgsOf(call: FunctionCall): Record<string, unknown> {
  if (call.args !== undefined) return call.args;
  let empty = emptyArgs.get(call);
  if (empty === undefined) {
    empty = {};
    emptyArgs.set(call, empty);
  }
  return empty;
}
