/** A per-owner request limit: at most `requests` in each window of `windowMs`. */
export type RateLimit = {
  /** Requests one owner may make in a window. */
  requests: number;
  /** The window's length in milliseconds. */
  windowMs: number;
};

/** The windows kept before expired ones are swept (an owner per key, so this bounds memory). */
const SWEEP_AT = 10_000;

/**
 * A fixed-window counter per owner. Simple on purpose: one process, no shared state; a fleet puts
 * its own limiter (a gateway, Redis) in `authorize`. @internal
 */
export function createRateLimiter(limit: RateLimit, now: () => number) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts a request of `owner`: the seconds to wait when it is over the limit, else 0. */
    take(owner: string): number {
      const time = now();
      if (windows.size >= SWEEP_AT) {
        for (const [key, window] of windows) {
          if (time - window.start >= limit.windowMs) windows.delete(key);
        }
      }
      let window = windows.get(owner);
      if (window === undefined || time - window.start >= limit.windowMs) {
        window = { start: time, count: 0 };
        windows.set(owner, window);
      }
      if (window.count >= limit.requests) {
        return Math.max(1, Math.ceil((window.start + limit.windowMs - time) / 1000));
      }
      window.count++;
      return 0;
    },
  };
}
