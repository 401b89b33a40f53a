/** What {@link untilAborted} needs of a signal: an `AbortSignal`, or an attempt's own. */
export type AbortableSignal = {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
};

/**
 * `promise`, or the signal's reason as soon as it aborts (then `onAbort` runs first): for a wait
 * that may never settle on its own (a fetch whose signal no longer reaches it, a user's token
 * function, google-auth-library's metadata request).
 * @internal
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortableSignal,
  onAbort: () => void,
): Promise<T> {
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort);
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
