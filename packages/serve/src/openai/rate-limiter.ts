/**
 * A per-owner request limit: at most `requests` in each window of `windowMs`. A door counts at
 * most 10,000 owners' windows at once: while all of them are live, a new owner gets 429 until the
 * oldest window ends (an owner's own count is never dropped, so a flood of new owners resets
 * nobody's limit). More owners than that in one window, or a fleet: limit in `authorize`. A request
 * the door refuses with 503 because other bodies fill `maxBodyBytesInFlight` (or the caller's
 * share of it) is not counted: the door did no work for it; one cut off with 408 for a body that
 * stopped arriving is (the caller held a share of the bound meanwhile).
 */
export type RateLimit = {
  /** Requests one owner may make in a window. */
  requests: number;
  /** The window's length in milliseconds. */
  windowMs: number;
};

/** What {@link RateLimiter.take} answers. @internal */
export type RateTake = {
  /** The seconds to wait when the request is over the limit (it was not counted), else 0. */
  wait: number;
  /**
   * The window the request was counted in (its start, on the limiter's clock): what
   * {@link RateLimiter.giveBack} gives the count back to.
   */
  window: number;
};

/** What a door asks of its limiter. @internal */
export type RateLimiter = {
  /** Counts a request of `owner`: the seconds to wait when it is over the limit, and its window. */
  take(owner: string): RateTake;
  /**
   * Uncounts a request of `owner` that {@link RateLimiter.take} counted in `window` (what it
   * answered) and the door then refused before doing any work for it (a 503 for other callers'
   * bodies): the limit counts the work a caller asks for, not the server's own refusals. Nothing
   * when that window has ended since (the count went with it), even when the owner's next window
   * has opened: that one's count is of other requests.
   */
  giveBack(owner: string, window: number): void;
  /** How many windows are held (for tests of the bound). */
  size(): number;
};

/**
 * The live windows kept at most (an owner per key, of at most 1024 characters: about 20 MB at
 * worst). Past it a new owner waits for the oldest window to end, so no owner's count is dropped.
 */
const MAX_OWNERS = 10_000;

/**
 * A fixed-window counter per owner. Simple on purpose: one process, no shared state; a fleet puts
 * its own limiter (a gateway, Redis) in `authorize`.
 *
 * The map is kept in the order the windows opened (a window that reopens moves to the end), so the
 * expired ones are at its front: each request drops at most two of them, and never scans. What it
 * guarantees against a client that names a new owner per request (an `authorize` that makes owners
 * of cookies): bounded work per request and at most {@link MAX_OWNERS} windows; a live window is
 * never dropped, so flooding the table resets nobody's count; while every slot holds a live window
 * a new owner is refused until the oldest ends (the flood costs new owners at most one window). @internal
 */
export function createRateLimiter(limit: RateLimit, now: () => number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const expired = (window: { start: number }, time: number) =>
    time - window.start >= limit.windowMs;
  /** The oldest window, dropped when it has ended: `undefined` when it was (or there is none). */
  const oldestLive = (time: number) => {
    const first = windows.entries().next();
    if (first.done) return undefined;
    const [key, window] = first.value;
    if (!expired(window, time)) return window;
    windows.delete(key);
    return undefined;
  };
  return {
    /** Counts a request of `owner`: the seconds to wait when it is over the limit, and its window. */
    take(owner: string): RateTake {
      const time = now();
      oldestLive(time);
      oldestLive(time);
      let window = windows.get(owner);
      if (window === undefined || expired(window, time)) {
        if (window === undefined && windows.size >= MAX_OWNERS) {
          const oldest = oldestLive(time);
          if (oldest !== undefined) return { wait: wait(oldest, time), window: time };
        }
        // Delete first so a reopened window moves to the end: the map stays in opening order.
        windows.delete(owner);
        window = { start: time, count: 0 };
        windows.set(owner, window);
      }
      if (window.count >= limit.requests) {
        return { wait: wait(window, time), window: window.start };
      }
      window.count++;
      return { wait: 0, window: window.start };
    },
    giveBack(owner: string, taken: number): void {
      const window = windows.get(owner);
      // Only to the window that counted it: at a window's edge the owner's next window may have
      // opened since, and giving its count back granted one request more (doors58).
      if (window === undefined || window.start !== taken) return;
      if (expired(window, now()) || window.count === 0) return;
      window.count--;
    },
    /** How many windows are held (for tests of the bound). */
    size: () => windows.size,
  };
  function wait(window: { start: number }, time: number): number {
    return Math.max(1, Math.ceil((window.start + limit.windowMs - time) / 1000));
  }
}
