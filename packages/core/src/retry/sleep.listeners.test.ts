import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep.ts';

afterEach(() => vi.useRealTimers());

describe('sleep and its signal', () => {
  it('leaves no abort listener behind on a signal that outlives many waits', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    for (let wait = 0; wait < 50; wait++) {
      const done = sleep(10, controller.signal);
      await vi.advanceTimersByTimeAsync(10);
      await done;
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the signal’s own reason, whatever it is, and starts no timer when already aborted', async () => {
    vi.useFakeTimers();
    for (const reason of ['tab closed', 42, undefined]) {
      const controller = new AbortController();
      controller.abort(reason);
      const pending = sleep(1_000, controller.signal).catch((error: unknown) => error);
      expect(vi.getTimerCount()).toBe(0);
      const thrown = await pending;
      // abort(undefined) gives the default AbortError as the reason.
      if (reason === undefined) expect((thrown as Error).name).toBe('AbortError');
      else expect(thrown).toBe(reason);
    }
  });

  it('clears its timer when aborted mid-wait, so nothing fires later', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal).catch((error: unknown) => error);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort(new Error('stop'));
    expect(((await pending) as Error).message).toBe('stop');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves a zero, negative or NaN wait on the next timer turn instead of hanging', async () => {
    vi.useFakeTimers();
    for (const milliseconds of [0, -5, Number.NaN]) {
      const done = vi.fn();
      void sleep(milliseconds).then(done);
      await vi.advanceTimersByTimeAsync(1);
      expect(done, String(milliseconds)).toHaveBeenCalledOnce();
    }
  });
});
