/** An id-less call's local key: `live-call-<n>`, `n` at most 15 digits (a safe integer). */
const IDLESS_KEY = /^live-call-(\d{1,15})$/;

/**
 * The highest `idlessKeyStart`: what {@link nextIdlessKey} gives at most (one past 15 digits).
 * Counting on from near 2^53 stopped counting (2^53 + 1 is 2^53): keys repeated, and a frame of
 * three id-less calls looped for good looking for a free key (attack60). @internal
 */
export const MAX_IDLESS_KEY_START: number = 10 ** 15;

/** The local key of a session's `n`th id-less call (`live-call-<n>`). @internal */
export function idlessKey(n: number): string {
  return `live-call-${n}`;
}

/**
 * The `idlessKeyStart` that follows every id-less call's local key among `ids` (`live-call-<n>`,
 * the `toolCallId` of a `tool-call` event with `idless: true`): one past the highest `n`, and at
 * least `start`. How a store of a live session's calls tells the session's next process where
 * its keys go on, so that a new call's key is none the store already holds. Ids of another shape
 * are passed over; a server id shaped like a key counts too (a new key equal to it would be a
 * duplicate while it runs).
 *
 * @example
 * nextIdlessKey(['live-call-0', 'r1', 'live-call-4']); // 5
 */
export function nextIdlessKey(ids: Iterable<string>, start = 0): number {
  let next = start;
  for (const id of ids) {
    const n = IDLESS_KEY.exec(id)?.[1];
    if (n !== undefined) next = Math.max(next, Number(n) + 1);
  }
  return next;
}
