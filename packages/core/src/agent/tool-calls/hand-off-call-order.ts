// A turn's hand-offs taken in call order. With `toolCallOrder: 'as-ready'` the calls of a turn
// end in any order (an async approval or plugin hook on the first holds it), so the first call
// to tell its hand-off is not always the first in call order: a call that hands off waits for the
// calls before it to pass their `afterToolCall`, then takes the run or is refused.

/**
 * The calls of the turn under way that passed their `afterToolCall` (by call index), and the
 * hand-offs waiting for the calls before them. Kept by the run's plugins while a plugin that
 * declares receivers has an `afterToolCall` (only such a plugin hands a run off from a call).
 * @internal
 */
export type TurnAfterCalls = {
  /**
   * The turn's signal, which tells turns apart: a turn of several calls through tool hooks has
   * its own controller (`startToolTurn`); a turn of one call has no call before its only one.
   */
  readonly signal: AbortSignal;
  readonly passed: boolean[];
  waiting: { readonly index: number; readonly wake: () => void }[] | undefined;
};

/**
 * Where the run's plugins keep the record (`RunPlugins`, given as this shape: the plugins' state
 * imports the record's type from here).
 */
type KeptBy = { readonly handsOffAfterCalls: boolean; turnAfterCalls: TurnAfterCalls | undefined };

/** The turn's record (a new one when `signal` is another turn's); `undefined` when none is kept. */
export function turnAfterCallsOf(plugins: KeptBy, signal: AbortSignal): TurnAfterCalls | undefined {
  if (!plugins.handsOffAfterCalls) return undefined;
  const current = plugins.turnAfterCalls;
  if (current?.signal === signal) return current;
  const made: TurnAfterCalls = { signal, passed: [], waiting: undefined };
  plugins.turnAfterCalls = made;
  return made;
}

/** Marks the call at `index` passed, and wakes the hand-offs no earlier call holds back now. */
export function passAfterCall(turn: TurnAfterCalls | undefined, index: number): void {
  if (turn === undefined) return;
  turn.passed[index] = true;
  const { waiting } = turn;
  if (waiting === undefined) return;
  turn.waiting = waiting.filter((waiter) => {
    if (!passedBefore(turn, waiter.index)) return true;
    waiter.wake();
    return false;
  });
}

/**
 * `then` once every call before `index` passed its `afterToolCall`: at once when they have (a
 * promise only when one has not). Every call of the turn reaches its `afterToolCall` (an aborted
 * or refused one too) and the pool starts them in call order, so an earlier call always passes.
 */
export function afterEarlierCalls<R>(
  turn: TurnAfterCalls | undefined,
  index: number,
  then: () => R | Promise<R>,
): R | Promise<R> {
  if (turn === undefined || passedBefore(turn, index)) return then();
  return new Promise<void>((wake) => {
    turn.waiting ??= [];
    turn.waiting.push({ index, wake });
  }).then(then);
}

/** Whether every call before `index` passed. */
function passedBefore(turn: TurnAfterCalls, index: number): boolean {
  for (let at = 0; at < index; at++) if (turn.passed[at] !== true) return false;
  return true;
}
