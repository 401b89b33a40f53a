import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

// The per-owner fixed window the OpenAI door counts requests in, on an injected clock: each
// owner's own count, the window's edge, and the Retry-After it gives.

const clock = () => {
  let time = 0;
  return { now: () => time, advance: (ms: number) => (time += ms) };
};

describe('createRateLimiter', () => {
  it('lets `requests` through in a window, then says how many whole seconds to wait', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 2, windowMs: 10_000 }, now);
    expect([limiter.take('alice').wait, limiter.take('alice').wait]).toEqual([0, 0]);
    expect(limiter.take('alice').wait).toBe(10);
    advance(8_500);
    // 1.5 s left: rounded up, never 0 while refused.
    expect(limiter.take('alice').wait).toBe(2);
    advance(1_499);
    expect(limiter.take('alice').wait).toBe(1);
  });

  it('opens a new window exactly when the old one ends', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 1, windowMs: 1_000 }, now);
    limiter.take('alice');
    advance(999);
    expect(limiter.take('alice').wait).toBeGreaterThan(0);
    advance(1);
    expect(limiter.take('alice').wait).toBe(0);
  });

  it('counts each owner apart: one over its limit does not slow another', () => {
    const { now } = clock();
    const limiter = createRateLimiter({ requests: 1, windowMs: 60_000 }, now);
    expect(limiter.take('alice').wait).toBe(0);
    expect(limiter.take('alice').wait).toBe(60);
    expect(limiter.take('bob').wait).toBe(0);
  });

  it('a refused request does not count: the window does not grow longer by asking', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 1, windowMs: 1_000 }, now);
    limiter.take('alice');
    for (let retry = 0; retry < 100; retry++) limiter.take('alice');
    advance(1_000);
    expect(limiter.take('alice').wait).toBe(0);
  });

  it('keeps counting right for owners past the drop of expired windows', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 1, windowMs: 1_000 }, now);
    for (let owner = 0; owner < 9_999; owner++) limiter.take(`old-${owner}`);
    advance(500);
    limiter.take('live');
    advance(500);
    // The table is full (10,000 windows) and the old ones have ended: they go from its front,
    // the live window stays.
    expect(limiter.take('new').wait).toBe(0);
    expect(limiter.take('live').wait).toBe(1);
    expect(limiter.size()).toBeLessThanOrEqual(10_000);
    advance(600);
    expect(limiter.take('old-1').wait).toBe(0);
  });

  it("gives back one counted request of the owner's window, and nothing once that window has ended", () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 1, windowMs: 10_000 }, now);
    const first = limiter.take('alice');
    expect(first).toEqual({ wait: 0, window: 0 });
    limiter.giveBack('alice', first.window);
    // The request given back is free again, once.
    const again = limiter.take('alice');
    expect(again.wait).toBe(0);
    expect(limiter.take('alice').wait).toBe(10);
    // Never below nothing: a give-back with nothing counted (or for an owner never seen) grants
    // no extra request.
    limiter.giveBack('bob', 0);
    const bob = limiter.take('bob');
    expect(bob.wait).toBe(0);
    limiter.giveBack('bob', bob.window);
    limiter.giveBack('bob', bob.window);
    expect(limiter.take('bob').wait).toBe(0);
    expect(limiter.take('bob').wait).toBe(10);
    // Alice's window ends: a late give-back leaves the next window's count alone.
    advance(10_000);
    limiter.giveBack('alice', again.window);
    expect(limiter.take('alice').wait).toBe(0);
    expect(limiter.take('alice').wait).toBe(10);
  });

  it("gives a count back only to the window that took it, not the owner's next one (doors58)", () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 2, windowMs: 10_000 }, now);
    expect(limiter.take('alice')).toEqual({ wait: 0, window: 0 });
    // A request counted 1 ms before its window ends, whose body the door refuses (503) only
    // after the window ended and the owner's next requests opened and filled the next window.
    advance(9_999);
    const late = limiter.take('alice');
    expect(late).toEqual({ wait: 0, window: 0 });
    advance(1);
    const next = limiter.take('alice');
    expect(next).toEqual({ wait: 0, window: 10_000 });
    expect(limiter.take('alice').wait).toBe(0);
    limiter.giveBack('alice', late.window);
    // The next window still holds its two requests: before, the give-back took one of them
    // away, and the owner had three requests in a window of two.
    expect(limiter.take('alice')).toEqual({ wait: 10, window: 10_000 });
    // A give-back of the next window's own still frees one.
    limiter.giveBack('alice', next.window);
    expect(limiter.take('alice').wait).toBe(0);
    expect(limiter.take('alice').wait).toBe(10);
  });
});
