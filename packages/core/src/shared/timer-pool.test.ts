import { afterEach, describe, expect, it, vi } from 'vitest';
import { PooledTimer, TimerPool } from './timer-pool.ts';

afterEach(() => vi.useRealTimers());

function holder() {
  return { expire: vi.fn() };
}

describe('TimerPool', () => {
  it('restarts a given-back timer for the next holder instead of setting a new one', () => {
    vi.useFakeTimers();
    const pool = new TimerPool({ maxIdle: 4 });
    const first = holder();
    const timer = pool.take(100, first);
    vi.advanceTimersByTime(60);
    pool.give(timer);
    const second = holder();
    expect(pool.take(100, second)).toBe(timer);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(99);
    expect(second.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(second.expire).toHaveBeenCalledOnce();
    expect(first.expire).not.toHaveBeenCalled();
  });

  it('lets an idle timer fire into nothing, and re-arms it when taken again after that', () => {
    vi.useFakeTimers();
    const pool = new TimerPool({ maxIdle: 4 });
    const first = holder();
    const timer = pool.take(100, first);
    pool.give(timer);
    vi.advanceTimersByTime(1_000);
    expect(first.expire).not.toHaveBeenCalled();
    const second = holder();
    expect(pool.take(100, second)).toBe(timer);
    vi.advanceTimersByTime(100);
    expect(second.expire).toHaveBeenCalledOnce();
  });

  it('does not keep the process alive with an idle timer, and does again once taken', () => {
    const timeouts = () =>
      process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timeouts();
    const pool = new TimerPool({ maxIdle: 4 });
    const timer = pool.take(60_000, holder());
    expect(timeouts()).toBe(before + 1);
    pool.give(timer);
    expect(timeouts()).toBe(before);
    expect(pool.take(60_000, holder())).toBe(timer);
    expect(timeouts()).toBe(before + 1);
    timer.stop();
    expect(timeouts()).toBe(before);
  });

  it('makes a new timer when fake timers came or went since the idle one was made', () => {
    const pool = new TimerPool({ maxIdle: 4 });
    const real = pool.take(100, holder());
    pool.give(real);
    vi.useFakeTimers();
    const fakeHolder = holder();
    const fake = pool.take(100, fakeHolder);
    expect(fake).not.toBe(real);
    vi.advanceTimersByTime(100);
    expect(fakeHolder.expire).toHaveBeenCalledOnce();
  });

  it('stops a timer given back to a full pool, and one of another limit when taking', () => {
    vi.useFakeTimers();
    const pool = new TimerPool({ maxIdle: 1 });
    const [a, b] = [pool.take(100, holder()), pool.take(100, holder())];
    pool.give(a);
    pool.give(b);
    expect(vi.getTimerCount()).toBe(1);
    pool.take(200, holder());
    expect(vi.getTimerCount()).toBe(1);
  });
});

describe('PooledTimer', () => {
  it('fires exactly its time after the last restart, with only setTimeout faked too', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const timer = new PooledTimer(100);
    const expire = vi.fn();
    timer.holder = { expire };
    vi.advanceTimersByTime(70);
    timer.restart();
    vi.advanceTimersByTime(99);
    expect(expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expire).toHaveBeenCalledOnce();
    timer.restart();
    vi.advanceTimersByTime(100);
    expect(expire).toHaveBeenCalledTimes(2);
    timer.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
