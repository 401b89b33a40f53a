import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';

/**
 * Waits `milliseconds`, or rejects with the signal's reason as soon as `signal` aborts (at once if
 * it already has). Uses the global `setTimeout`, so fake timers in tests control it.
 * @internal
 */
export function sleep(milliseconds: number, signal?: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let remaining = milliseconds;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    // A wait past Node's longest timer (about 24.8 days: a large `maxDelayMs` or
    // `maxServerDelayMs`) is slept in pieces: Node fires a longer timer after 1 ms.
    const wait = (): void => {
      const piece = Math.min(remaining, MAX_TIMER_MS);
      remaining -= piece;
      timer = setTimeout(() => {
        if (remaining > 0) return wait();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, piece);
    };
    wait();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
