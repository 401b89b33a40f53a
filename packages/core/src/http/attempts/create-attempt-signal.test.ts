import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAttemptSignal } from './create-attempt-signal.ts';

afterEach(() => vi.useRealTimers());

describe('createAttemptSignal', () => {
  it('aborts with a TimeoutError DOMException when the time limit passes', () => {
    vi.useFakeTimers();
    const attempt = createAttemptSignal({ timeoutMs: 100 });
    vi.advanceTimersByTime(99);
    expect(attempt.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.timedOut).toBe(true);
    expect((attempt.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('follows the caller’s signal with its reason, and detaches on dispose', () => {
    const controller = new AbortController();
    const attempt = createAttemptSignal({ signal: controller.signal, timeoutMs: 1000 });
    controller.abort('why');
    expect(attempt.signal.reason).toBe('why');
    expect(attempt.timedOut).toBe(false);

    const other = new AbortController();
    const remove = vi.spyOn(other.signal, 'removeEventListener');
    createAttemptSignal({ signal: other.signal, timeoutMs: 1000 }).dispose();
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('restarts and pauses the timer (the stream idle limit)', () => {
    vi.useFakeTimers();
    const attempt = createAttemptSignal({ timeoutMs: 100 });
    vi.advanceTimersByTime(80);
    attempt.restartTimer();
    vi.advanceTimersByTime(80);
    expect(attempt.signal.aborted).toBe(false);
    attempt.pauseTimer();
    vi.advanceTimersByTime(1_000);
    expect(attempt.signal.aborted).toBe(false);
    attempt.restartTimer();
    vi.advanceTimersByTime(100);
    expect(attempt.timedOut).toBe(true);
  });

  it('keeps one timer across many restarts and still times out exactly after the last one', () => {
    vi.useFakeTimers();
    const attempt = createAttemptSignal({ timeoutMs: 100 });
    for (let step = 0; step < 1_000; step++) {
      vi.advanceTimersByTime(7);
      attempt.pauseTimer();
      attempt.restartTimer();
    }
    expect(vi.getTimerCount()).toBe(1);
    expect(attempt.signal.aborted).toBe(false);
    vi.advanceTimersByTime(99);
    expect(attempt.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(attempt.timedOut).toBe(true);
    attempt.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops the timer on dispose, so nothing fires later', () => {
    vi.useFakeTimers();
    const attempt = createAttemptSignal({ timeoutMs: 100 });
    attempt.restartTimer();
    attempt.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(attempt.signal.aborted).toBe(false);
  });

  it('calls the onAbort callback once, right after the signal aborts, whatever aborted it', () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const timed = createAttemptSignal({ timeoutMs: 100 });
    timed.onAbort(() => seen.push(`timeout ${timed.signal.aborted}`));
    vi.advanceTimersByTime(100);
    const caller = new AbortController();
    const followed = createAttemptSignal({ signal: caller.signal, timeoutMs: 100 });
    followed.onAbort(() => seen.push(`caller ${String(followed.signal.reason)}`));
    caller.abort('why');
    const released = createAttemptSignal({ timeoutMs: 100 });
    released.onAbort(() => seen.push('released'));
    released.abort();
    released.abort();
    expect(seen).toEqual(['timeout true', 'caller why', 'released']);
  });

  it('does not call onAbort after dispose, nor when the attempt had already aborted', () => {
    vi.useFakeTimers();
    const callback = vi.fn();
    const disposed = createAttemptSignal({ timeoutMs: 100 });
    disposed.onAbort(callback);
    disposed.dispose();
    disposed.abort();
    const early = createAttemptSignal({ signal: AbortSignal.abort('before'), timeoutMs: 100 });
    early.onAbort(callback);
    early.abort();
    vi.advanceTimersByTime(1_000);
    expect(callback).not.toHaveBeenCalled();
  });

  it('treats a limit beyond what setTimeout can hold as no limit', () => {
    vi.useFakeTimers();
    const attempt = createAttemptSignal({ timeoutMs: Number.POSITIVE_INFINITY });
    vi.advanceTimersByTime(10_000_000);
    expect(attempt.signal.aborted).toBe(false);
  });

  it('follows one caller signal with one listener, however many attempts follow it', () => {
    const caller = new AbortController();
    const listening = (): number => getEventListeners(caller.signal, 'abort').length;
    const attempts = Array.from({ length: 20 }, () =>
      createAttemptSignal({ signal: caller.signal, timeoutMs: 60_000 }),
    );
    // One listener each made Node print MaxListenersExceededWarning past 10 concurrent calls.
    expect(listening()).toBe(1);
    for (const attempt of attempts.slice(0, 5)) attempt.dispose();
    expect(listening()).toBe(1);
    caller.abort(new Error('shutting down'));
    expect(attempts.slice(5).every((attempt) => attempt.aborted)).toBe(true);
    expect(attempts.slice(0, 5).some((attempt) => attempt.aborted)).toBe(false);
    expect(attempts[9]?.reason).toEqual(new Error('shutting down'));
    for (const attempt of attempts) attempt.dispose();
    expect(listening()).toBe(0);
  });
});
