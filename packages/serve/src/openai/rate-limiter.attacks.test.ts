import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

// attack22: an `authorize` that makes owners of client-chosen values (an anonymous session per
// cookie) lets one client name a new owner on every request. The limiter shared by every door must
// then cost a bounded amount of work per request and hold a bounded number of windows, and a
// client must not reset its own limit by flooding the table with other owners.

/** Counts the steps taken through any Map's iterators while `body` runs (a scan shows as steps). */
function mapSteps(body: () => void): number {
  const proto = Map.prototype as unknown as Record<PropertyKey, unknown>;
  const names: PropertyKey[] = [Symbol.iterator, 'entries', 'keys', 'values'];
  const saved = names.map((name) => proto[name]);
  let steps = 0;
  names.forEach((name, index) => {
    const original = saved[index] as (this: Map<unknown, unknown>) => Iterator<unknown>;
    proto[name] = function (this: Map<unknown, unknown>) {
      const iterator = original.call(this);
      const next = iterator.next.bind(iterator);
      return Object.assign(iterator, {
        next: () => {
          steps++;
          return next();
        },
      });
    };
  });
  try {
    body();
  } finally {
    names.forEach((name, index) => {
      proto[name] = saved[index];
    });
  }
  return steps;
}

const clock = () => {
  let time = 0;
  return { now: () => time, advance: (ms: number) => (time += ms) };
};

describe('the per-owner rate limiter against a client that names a new owner per request', () => {
  it('does a bounded amount of work per request once the table is full', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 5, windowMs: 60_000 }, now);
    for (let owner = 0; owner < 20_000; owner++) limiter.take(`flood-${owner}`);
    advance(1);
    // The old limiter swept all 10,000+ windows on each of these requests.
    const steps = mapSteps(() => {
      for (let owner = 0; owner < 1_000; owner++) limiter.take(`more-${owner}`);
    });
    expect(steps).toBeLessThanOrEqual(1_000 * 4);
  });

  it('holds a bounded number of windows, however many owners ask in one window', () => {
    const { now } = clock();
    const limiter = createRateLimiter({ requests: 5, windowMs: 60_000 }, now);
    for (let owner = 0; owner < 50_000; owner++) limiter.take(`flood-${owner}`);
    expect(limiter.size()).toBeLessThanOrEqual(10_000);
  });

  it('keeps a live owner counted while others flood: nobody resets its own limit', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 2, windowMs: 60_000 }, now);
    expect([limiter.take('mallory').wait, limiter.take('mallory').wait]).toEqual([0, 0]);
    expect(limiter.take('mallory').wait).toBe(60);
    for (let owner = 0; owner < 50_000; owner++) {
      advance(1);
      limiter.take(`sock-${owner}`);
    }
    // 50 s on: mallory's window (opened at 0) is still live, and still full.
    expect(limiter.take('mallory').wait).toBe(10);
  });

  it('refuses a new owner while every window is live, until the oldest ends; then serves again', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ requests: 1, windowMs: 60_000 }, now);
    for (let owner = 0; owner < 10_000; owner++) {
      limiter.take(`flood-${owner}`);
      advance(1);
    }
    // The oldest window opened at 0 and ends at 60,000; now is 10,000.
    expect(limiter.take('newcomer').wait).toBe(50);
    // A known owner is still counted as before.
    expect(limiter.take('flood-9999').wait).toBe(60);
    advance(50_000);
    // The oldest window has ended: its slot is free for the newcomer.
    expect(limiter.take('newcomer').wait).toBe(0);
    advance(60_000);
    for (let owner = 0; owner < 10_000; owner++)
      expect(limiter.take(`later-${owner}`).wait).toBe(0);
  });
});
