/**
 * Waits `milliseconds`, or rejects with the signal's reason as soon as `signal` aborts (at once if
 * it already has). Uses the global `setTimeout`, so fake timers in tests control it.
 * @internal
 */
export function sleep(milliseconds: number, signal?: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
