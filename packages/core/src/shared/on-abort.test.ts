import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { followSignal, holdAbortListener, onAbort } from './on-abort.ts';

describe('onAbort', () => {
  it('calls every waiter once through one listener, and drops it when the last one leaves', () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const listening = (): number => getEventListeners(signal, 'abort').length;
    const calls: number[] = [];
    const stops = Array.from({ length: 50 }, (_, index) =>
      onAbort(signal, () => calls.push(index)),
    );
    expect(listening()).toBe(1);
    for (const stop of stops.slice(0, 49)) stop();
    expect(listening()).toBe(1);
    stops[49]?.();
    expect(listening()).toBe(0);
    // A stop called twice does nothing more.
    stops[49]?.();
    expect(listening()).toBe(0);

    const again = onAbort(signal, () => calls.push(100));
    onAbort(signal, () => calls.push(101));
    again();
    controller.abort();
    expect(calls).toEqual([101]);
    expect(listening()).toBe(0);
  });

  it('lets no Node MaxListenersExceededWarning out for many waiters on one signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const stops = Array.from({ length: 64 }, () => onAbort(controller.signal, () => {}));
      // Node emits the warning on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const stop of stops) stop();
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual(
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('keeps the one listener of a held signal between waits, and still calls the waiters', () => {
    const controller = new AbortController();
    const signal = controller.signal;
    holdAbortListener(signal);
    const listening = (): number => getEventListeners(signal, 'abort').length;
    expect(listening()).toBe(0);
    const calls: string[] = [];
    // One wait after another, as the model calls and tool calls of a run wait on its signal.
    for (let index = 0; index < 5; index++) onAbort(signal, () => calls.push(`done ${index}`))();
    expect(listening()).toBe(1);
    const stop = onAbort(signal, () => calls.push('left'));
    onAbort(signal, () => calls.push('waiting'));
    stop();
    expect(listening()).toBe(1);
    controller.abort();
    expect(calls).toEqual(['waiting']);
    expect(listening()).toBe(0);
  });

  it('holds only the signal it is told to', () => {
    const held = new AbortController();
    const other = new AbortController();
    holdAbortListener(held.signal);
    onAbort(held.signal, () => {})();
    onAbort(other.signal, () => {})();
    expect(getEventListeners(held.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
  });
});

describe('followSignal', () => {
  it('aborts the follower with the reason, at once when the signal has already aborted', () => {
    const source = new AbortController();
    const follower = new AbortController();
    followSignal(source.signal, follower);
    source.abort('stop');
    expect(follower.signal.reason).toBe('stop');
    const late = new AbortController();
    followSignal(AbortSignal.abort('done'), late);
    expect(late.signal.reason).toBe('done');
  });

  it('stops following when told, so a long-lived signal does not abort finished work', () => {
    const source = new AbortController();
    const follower = new AbortController();
    const unfollow = followSignal(source.signal, follower);
    unfollow();
    source.abort();
    expect(follower.signal.aborted).toBe(false);
    expect(() => followSignal(undefined, follower)()).not.toThrow();
  });

  it('follows one signal many times through one listener (runs sharing a shutdown signal)', () => {
    const source = new AbortController();
    const followers = Array.from({ length: 20 }, () => new AbortController());
    const unfollows = followers.map((follower) => followSignal(source.signal, follower));
    expect(getEventListeners(source.signal, 'abort')).toHaveLength(1);
    unfollows[0]?.();
    source.abort('shutdown');
    expect(followers.map((follower) => follower.signal.reason)).toEqual([
      undefined,
      ...followers.slice(1).map(() => 'shutdown'),
    ]);
  });
});
