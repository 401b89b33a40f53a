import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole of a delay past the longest timer, not 1 ms', async () => {
    let done = false;
    const waiting = sleep(MAX_TIMER_MS + 5_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('rejects with the reason when aborted during a later piece of a long wait', async () => {
    const controller = new AbortController();
    const waiting = sleep(MAX_TIMER_MS * 2, controller.signal);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 10);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits a short delay once', async () => {
    let done = false;
    const waiting = sleep(20).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(19);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });
});
